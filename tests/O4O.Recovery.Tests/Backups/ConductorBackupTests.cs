using System.Text.RegularExpressions;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

[Collection(PostgresCollection.Name)]
public sealed class ConductorBackupTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task A_conductor_backup_makes_an_archive_records_it_in_the_catalogue_verifies_it_and_sums_it_up_in_one_line()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);

        var made = await ConductorBackup.CreateAsync(bed.Home, new BackupOptions { Directory = bed.BackupDirectory }, Options(bed.Server.DatabaseName),
            new EventLog(bed.Home.StateDatabase), TimeProvider.System, progress: null, CancellationToken.None);

        var archive = Path.GetFileName(Assert.Single(Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*.tar.gz")));
        Assert.Matches($@"^{Regex.Escape(archive)}, \d+\.\d MB in \d+\.\d s; verified by a test restore$", made.ToString());
        Assert.NotNull(bed.Catalogue.KnownHash(archive));
        var listed = Assert.Single(await BackupListing.ListAsync(bed.BackupDirectory, bed.Catalogue, TimeProvider.System, CancellationToken.None));
        Assert.True(listed.Verified);
    }

    [Fact]
    public async Task A_conductor_backup_of_a_missing_database_fails_with_a_reason_to_record_and_leaves_no_archive()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConductorBackup.CreateAsync(bed.Home,
            new BackupOptions { Directory = bed.BackupDirectory }, Options("no_such_database"), new EventLog(bed.Home.StateDatabase), TimeProvider.System,
            progress: null, CancellationToken.None));

        Assert.True(ConductorBackup.IsFailure(error), error.ToString());
        Assert.Contains("no_such_database", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*"));
    }

    private DatabaseOptions Options(string name) => new() { ConnectionString = postgres.Cluster.ConnectionString(), Name = name };
}

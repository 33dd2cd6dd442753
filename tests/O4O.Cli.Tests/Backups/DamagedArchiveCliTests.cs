using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary>Crafted and damaged archives met by <c>o4o</c>, as root: refused, saying what, nothing written outside.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class DamagedArchiveCliTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _outside = Path.Combine(Path.GetTempPath(), $"o4o-escape-{Guid.NewGuid():N}");

    [Fact]
    public async Task Verify_and_restore_refuse_an_archive_whose_member_names_an_absolute_path_and_write_nothing_outside()
    {
        var (database, archive) = await BackupAsync();
        var member = "files/" + _outside;
        await CraftedArchive.AddMemberAsync(archive, member);

        var verify = await O4OAsync(database, "backup", "verify");
        // By name: after the failed verify, `latest` would pass over it and never reach the unsafe member.
        var restore = await O4OAsync(database, "restore", Path.GetFileName(archive), "--yes");

        Assert.True(verify.ExitCode == ExitCodes.BackupCorrupt, verify.Error);
        Assert.Contains($"member {member} is unsafe: its path is absolute after files/", verify.Error);
        Assert.True(restore.ExitCode == ExitCodes.BackupCorrupt, restore.Error);
        Assert.Contains($"member {member} is unsafe", Assert.Single(restore.ErrorLines));
        Assert.False(File.Exists(_outside));
    }

    [Fact]
    public async Task Verify_exits_4_saying_the_gzip_trailer_is_cut_off_when_the_archives_last_bytes_are_missing()
    {
        var (database, archive) = await BackupAsync();
        await using (var file = new FileStream(archive, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length - 3);
        }

        var verify = await O4OAsync(database, "backup", "verify");

        Assert.Equal(ExitCodes.BackupCorrupt, verify.ExitCode);
        Assert.Equal($"o4o: {Path.GetFileName(archive)}: the trailer (CRC-32 and length) of gzip member 3 is cut off: 5 of its 8 bytes remain", verify.Error.Trim());
    }

    /// <summary>A database with a small table, and an archive of it made by <c>o4o backup create</c>.</summary>
    private async Task<(string Database, string Archive)> BackupAsync()
    {
        var database = await postgres.CreateDatabaseAsync("damaged");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (1), (2)", connection);
            await command.ExecuteNonQueryAsync();
        }

        var created = await O4OAsync(database, "backup", "create");
        Assert.True(created.ExitCode == 0, created.Error);
        return (database, created.Out.Trim());
    }

    public void Dispose()
    {
        _cli.Dispose();
        File.Delete(_outside);
    }

    private Task<CliResult> O4OAsync(string database, params string[] arguments) => _cli.UseDatabase(database).RunAsync(arguments);
}

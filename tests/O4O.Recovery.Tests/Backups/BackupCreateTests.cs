using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Offsite;
using O4O.Recovery.Processes;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

[Collection(PostgresCollection.Name)]
public sealed class BackupCreateTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task The_runbooks_manual_tar_gunzip_psql_restores_an_archive_completely()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var before = await PlatformSchema.HashesAsync(bed.Database);
        var backup = await bed.BackupAsync();
        var target = await postgres.CreateDatabaseAsync("manual");
        var work = Directory.CreateTempSubdirectory("o4o-runbook-").FullName;
        try
        {
            var script = $"""
                set -euo pipefail
                cd {work}
                tar -xzf {backup.ArchivePath}
                gunzip db/o4o_db_*.sql.gz
                psql -X -q -v ON_ERROR_STOP=1 -d "$PGDATABASE" -f db/o4o_db_*.sql
                """;
            var start = new ProcessStartInfo("bash", ["-c", script]);
            foreach (var (name, value) in bed.Server.ToolEnvironment(new NpgsqlConnectionStringBuilder(target).Database!))
            {
                start.Environment[name] = value;
            }

            start.Environment["PATH"] = bed.Server.Binaries.BinDirectory + ":" + Environment.GetEnvironmentVariable("PATH");
            var result = await CommandRunner.RunAsync(start);
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.True(File.Exists(Path.Combine(work, "manifest.json")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        Assert.Equal(before, await PlatformSchema.HashesAsync(target));
    }

    [Fact]
    public async Task The_manifest_records_row_counts_members_and_the_previous_archives_hash()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var first = await bed.BackupAsync();
        var second = await bed.BackupAsync();

        Assert.Null(first.Manifest.PreviousArchive);
        Assert.Equal(Path.GetFileName(first.ArchivePath), second.Manifest.PreviousArchive);
        Assert.Equal(await HashingStream.FileSha256Async(first.ArchivePath, CancellationToken.None), second.Manifest.PreviousArchiveSha256);
        Assert.Equal(900, second.Manifest.RowCounts["public.order_items"]);
        Assert.Equal(200, second.Manifest.RowCounts["public.users"]);
        Assert.StartsWith("15.", second.Manifest.ServerVersion);
        Assert.Contains("pg_dump (PostgreSQL) 15", second.Manifest.ToolVersion);
        Assert.Matches(@"^db/o4o_db_\d{8}_\d{6}\.sql\.gz$", second.Manifest.DatabaseMember.Path);
        Assert.Equal(second.Manifest.ToJson(), (await ArchiveReader.CheckMembersAsync(second.ArchivePath, CancellationToken.None)).ToJson());
        Assert.Equal(second.Sha256, await HashingStream.FileSha256Async(second.ArchivePath, CancellationToken.None));
    }

    [Fact]
    public async Task Configuration_is_backed_up_and_secrets_only_when_asked()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await File.WriteAllTextAsync(bed.Home.ConfigurationFile, "{}");
        Directory.CreateDirectory(bed.Home.Secrets);
        await File.WriteAllTextAsync(bed.Home.SigningKeyFile, "key");

        var without = await bed.Creator().CreateAsync(includeSecrets: false, null, null, CancellationToken.None);
        var with = await bed.Creator().CreateAsync(includeSecrets: true, null, null, CancellationToken.None);

        Assert.Contains(without.Manifest.Members, member => member.Path == "files/o4o.json");
        Assert.DoesNotContain(without.Manifest.Members, member => member.Path.StartsWith("files/secrets/", StringComparison.Ordinal));
        Assert.Contains(with.Manifest.Members, member => member.Path == "files/secrets/jwt-signing.key");
    }

    [Fact]
    public async Task The_archive_key_ring_is_never_backed_up_not_even_with_the_secrets()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        Directory.CreateDirectory(bed.Home.Secrets);
        await File.WriteAllTextAsync(bed.Home.SigningKeyFile, "key");
        ArchiveKeyStore.Rotate(bed.Home, TimeProvider.System);

        var with = await bed.Creator().CreateAsync(includeSecrets: true, null, null, CancellationToken.None);

        Assert.Contains(with.Manifest.Members, member => member.Path == "files/secrets/jwt-signing.key");
        Assert.DoesNotContain(with.Manifest.Members, member => member.Path.StartsWith("files/secrets/archive-keys", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_concurrent_backup_is_refused_with_a_clear_error()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        using (BackupDirectory.LockForWriting(bed.BackupDirectory))
        {
            var error = await Assert.ThrowsAsync<LockHeldException>(() => bed.Creator().CreateAsync(false, null, null, CancellationToken.None));
            Assert.Contains("Another backup is already running", error.Message);
        }

        Assert.Empty(Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*"));
    }

    [Fact]
    public async Task A_missing_backup_directory_is_a_clear_error()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var missing = Path.Combine(bed.Home.Root, "nowhere");
        var creator = new BackupCreator(bed.Home, missing, bed.Server, TimeProvider.System);

        var error = await Assert.ThrowsAsync<BackupFailedException>(() => creator.CreateAsync(false, null, null, CancellationToken.None));
        Assert.Equal($"Backup directory {missing} does not exist: create it or set O4O__Backup__Directory.", error.Message);
    }

    [Fact]
    public async Task A_failed_backup_leaves_nothing_behind()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var server = bed.Server with { DatabaseName = "no_such_database" };
        var creator = new BackupCreator(bed.Home, bed.BackupDirectory, server, TimeProvider.System);

        var error = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => creator.CreateAsync(false, null, null, CancellationToken.None));
        Assert.Equal("Database no_such_database does not exist on the server.", error.Message);
        Assert.DoesNotContain(Directory.GetFiles(bed.BackupDirectory), file => !file.EndsWith(".lock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_backup_in_the_second_of_an_archive_kept_only_off_site_takes_the_next_name()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var offsiteOnly = await new BackupCreator(bed.Home, bed.BackupDirectory, bed.Server, time).CreateAsync(false, null, null, CancellationToken.None);
        var name = Path.GetFileName(offsiteOnly.ArchivePath);
        new OffsiteCopies(bed.Home.StateDatabase).Begin(new OffsiteCopy(name, name, "upload", 8 << 20, offsiteOnly.Size, offsiteOnly.Sha256, null, time.GetUtcNow(), null));
        File.Delete(offsiteOnly.ArchivePath);

        var next = await new BackupCreator(bed.Home, bed.BackupDirectory, bed.Server, time).CreateAsync(false, null, null, CancellationToken.None);

        Assert.Equal(ArchiveName.For(time.GetUtcNow().AddSeconds(1)), Path.GetFileName(next.ArchivePath));
    }
}

using System.Diagnostics;
using O4O.Recovery.IO;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// The managed cluster archives its WAL through pgBackRest as the conductor configures it: the stanza is created and
/// checked end to end, segments reach the repository, and a full backup is listed by <c>pgbackrest info</c>.
/// </summary>
public sealed class PgBackRestTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task The_cluster_archives_each_finished_segment_into_the_repository_within_the_archive_timeout()
    {
        var segment = (string)(await fixture.ScalarAsync("SELECT pg_walfile_name(pg_current_wal_lsn())"))!;
        await fixture.ScalarAsync("CREATE TABLE IF NOT EXISTS traffic (id int); INSERT INTO traffic VALUES (1)");

        // archive_timeout (1 s here) closes the segment; the asynchronous push takes it to the repository.
        var archived = await WaitForAsync(async () =>
            string.CompareOrdinal((string?)await fixture.ScalarAsync("SELECT last_archived_wal FROM pg_stat_archiver") ?? "", segment) >= 0);

        Assert.True(archived, $"segment {segment} was not archived");
        Assert.Equal(0L, await fixture.ScalarAsync("SELECT failed_count FROM pg_stat_archiver"));
        var info = await fixture.PgBackRest.InfoAsync(CancellationToken.None);
        Assert.True(string.CompareOrdinal(info.NewestWal, segment) >= 0, $"repository's newest WAL {info.NewestWal} is before {segment}");
    }

    [Fact]
    public async Task A_full_backup_is_listed_with_its_wal_range_and_stop_time_as_the_start_of_the_recovery_window()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await fixture.PgBackRest.RunAsync("backup", ["--type=full"], CancellationToken.None);

        var info = await fixture.PgBackRest.InfoAsync(CancellationToken.None);

        var set = Assert.Single(info.Backups, set => set.Started >= before.AddSeconds(-1));
        Assert.Equal("full", set.Type);
        Assert.EndsWith("F", set.Label, StringComparison.Ordinal);
        Assert.True(set.RepositorySize > 0 && set.Size >= set.RepositorySize);
        Assert.True(string.CompareOrdinal(set.WalStart, set.WalStop) <= 0);
        Assert.Equal(info.Backups.Min(backup => backup.Stopped), info.RecoverableSince);
    }

    [Fact]
    public void The_configuration_and_repository_are_private_to_the_service_user()
    {
        var layout = fixture.PgBackRest.Layout;

        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(layout.ConfigurationFile));
        foreach (var directory in layout.Directories)
        {
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(directory));
        }

        Assert.DoesNotContain(File.ReadAllText(fixture.Home.PostgresPasswordFile).Trim(), File.ReadAllText(layout.ConfigurationFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archived_segments_are_created_owner_only_as_the_cluster_makes_its_own_files()
    {
        var segment = (string)(await fixture.ScalarAsync("SELECT pg_walfile_name(pg_current_wal_lsn())"))!;
        await fixture.ScalarAsync("CREATE TABLE IF NOT EXISTS traffic (id int); INSERT INTO traffic VALUES (1)");
        Assert.True(await WaitForAsync(async () =>
            string.CompareOrdinal((string?)await fixture.ScalarAsync("SELECT last_archived_wal FROM pg_stat_archiver") ?? "", segment) >= 0));

        // pgBackRest's own modes (0640, 0750) would let the postgres group read WAL: each `o4o up` found and tightened them.
        // (archive.info is made by the stanza's creation, here under the test host's umask, not the conductor's.)
        var archive = Path.Combine(fixture.PgBackRest.Layout.Repository, "archive");
        Assert.All(Directory.EnumerateFiles(archive, "0*", SearchOption.AllDirectories),
            file => Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(file)));
        Assert.All(Directory.EnumerateDirectories(archive, "0*", SearchOption.AllDirectories),
            directory => Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(directory)));
    }

    [Fact]
    public async Task An_archived_segment_is_fetched_at_once_while_the_live_archiver_holds_the_archive_lock()
    {
        await fixture.ScalarAsync("CREATE TABLE IF NOT EXISTS traffic (id int); INSERT INTO traffic VALUES (1)");
        var segment = (string)(await fixture.ScalarAsync("SELECT pg_walfile_name(pg_switch_wal())"))!;
        Assert.True(await WaitForAsync(async () =>
            string.CompareOrdinal((string?)await fixture.ScalarAsync("SELECT last_archived_wal FROM pg_stat_archiver") ?? "", segment) >= 0));
        var fetched = Path.Combine(fixture.PgBackRest.Layout.Root, $"fetched-{Guid.NewGuid():N}");
        PrivateFiles.CreateDirectory(fetched);
        await ServiceUser.GiveAsync(fetched, CancellationToken.None);
        // The lock an asynchronous archive-push holds while it pushes the live cluster's segments, taken as pgBackRest takes it.
        using var pushing = Process.Start("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--",
            "flock", Path.Combine(fixture.PgBackRest.Layout.Locks, $"{PgBackRest.Stanza}-archive.lock"), "sleep", "300"]);
        try
        {
            await Task.Delay(500);
            var fetching = Stopwatch.StartNew();

            Assert.True(await fixture.PgBackRest.ArchiveGetAsync(segment, Path.Combine(fetched, segment), CancellationToken.None));
            Assert.True(fetching.Elapsed < TimeSpan.FromSeconds(10), $"the fetch took {fetching.Elapsed}");
            Assert.Equal(16L << 20, new FileInfo(Path.Combine(fetched, segment)).Length);
        }
        finally
        {
            pushing.Kill(entireProcessTree: true);
            await pushing.WaitForExitAsync();
            Directory.Delete(fetched, recursive: true);
        }
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}

using System.Globalization;
using Npgsql;
using O4O.Recovery.PointInTime;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// <c>o4o restore --to-time T --full --yes</c> under a running <c>o4o up</c>: the whole cluster goes back to T (the platform
/// database and every other), is restarted by the conductor on a new timeline that pgBackRest archives, the shop serves,
/// and the replaced data directory is kept.
/// </summary>
public sealed class FullClusterRestoreTests
{
    [Fact]
    public async Task A_full_cluster_restore_to_a_time_brings_every_database_back_restarts_the_cluster_on_a_new_timeline_and_keeps_the_old_directory()
    {
        await using var up = await SupervisedUp.StartAsync();
        await WaitForPhysicalBackupAsync(up);
        await using var platform = up.Database();
        await SqlAsync(platform, "CREATE DATABASE other");
        await using var other = up.Database("other");
        await SqlAsync(other, "CREATE TABLE notes (id int PRIMARY KEY)", "INSERT INTO notes SELECT generate_series(1, 5)");
        var before = await TimelineAsync(platform);
        var target = await MarksAroundATargetAsync(platform);
        await SqlAsync(other, "INSERT INTO notes SELECT generate_series(6, 9)", "CREATE TABLE later (id int)");
        // Rows the restore takes back on purpose, seen by the conductor's data-loss probe first: going back is no loss.
        await SqlAsync(platform, "CREATE TABLE pitr_after (id int)", "INSERT INTO pitr_after SELECT generate_series(1, 40)", "SELECT pg_stat_force_next_flush()");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var restore = await up.CliAsync("restore", "--to-time", target.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture), "--full", "--yes");

        Assert.True(restore.ExitCode == 0, restore.StandardOutput + restore.StandardError + string.Join('\n', await up.EventsAsync("database")));
        Assert.Equal(10L, await ScalarAsync(platform, "SELECT count(*) FROM pitr_marks"));
        Assert.Equal(5L, await ScalarAsync(other, "SELECT count(*) FROM notes"));
        Assert.Equal(false, await ScalarAsync(other, "SELECT to_regclass('public.later') IS NOT NULL"));
        var kept = restore.StandardOutput.Trim();
        Assert.StartsWith(up.Home.PostgresData + ".before-pitr-", kept, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(kept, "PG_VERSION")), kept);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(kept));
        Assert.True(await TimelineAsync(platform) > before, restore.StandardError);
        using (var health = await up.Client.GetAsync(new Uri("api/health", UriKind.Relative)))
        {
            Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
        }

        // The new timeline's WAL reaches the repository: what the next restore replays.
        await SqlAsync(platform, "SELECT pg_switch_wal()");
        await PgBackRest.For(up.Home).RunAsync("check", [], CancellationToken.None);
        var newest = (await PgBackRest.For(up.Home).InfoAsync(CancellationToken.None)).NewestWal!;
        var after = int.Parse(newest[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.True(after > before, newest);
        Assert.NotEmpty(Directory.EnumerateFiles(PgBackRestLayout.For(up.Home).Repository, $"{after:X8}.history*", SearchOption.AllDirectories));
        Assert.Contains("Restored the whole cluster to time ", restore.StandardError, StringComparison.Ordinal);
        var status = await up.CliAsync("status", "--json");
        Assert.True(status.StandardOutput.Contains($"1 data director(ies) kept by full-cluster restores: {kept}", StringComparison.Ordinal), status.StandardOutput);
        Assert.False(Directory.Exists(SideInstance.RootOf(up.Home)));
        // Its restore command fetches as the live cluster does, with nothing of the side instance's (its lock and spool went with it).
        Assert.DoesNotContain(SideInstance.RootOf(up.Home), await File.ReadAllTextAsync(Path.Combine(up.Home.PostgresData, "postgresql.auto.conf")), StringComparison.Ordinal);
        Assert.Null(InterruptedClusterSwap.Find(up.Home));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(await up.EventsAsync("database"), e => e.FailureType == O4O.Recovery.Supervision.FailureType.DataLoss);
    }

    [Fact]
    public async Task A_full_restore_killed_as_it_replaces_the_data_directory_leaves_one_whole_cluster_that_the_next_start_brings_up()
    {
        await using var up = await SupervisedUp.StartAsync();
        await WaitForPhysicalBackupAsync(up);
        await using var platform = up.Database();
        var target = await MarksAroundATargetAsync(platform);

        using (var restore = up.StartCli("restore", "--to-time", target.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture), "--full", "--yes"))
        {
            // Killed the moment the old data directory is renamed aside: before, between or just after the two renames.
            while (!Directory.EnumerateDirectories(up.Home.Root, "pg.before-pitr-*").Any())
            {
                if (restore.HasExited)
                {
                    Assert.Fail($"o4o restore exited ({restore.ExitCode}) before it replaced the data directory: {await restore.StandardError.ReadToEndAsync()}");
                }

                await Task.Delay(1);
            }

            restore.Kill();
            await restore.WaitForExitAsync();
        }

        var kept = Assert.Single(Directory.EnumerateDirectories(up.Home.Root, "pg.before-pitr-*"));
        // On a loaded machine the kill can land after the restore finished the replacement (no journal left): nothing was
        // interrupted then, and the checks below still hold.
        var interrupted = InterruptedClusterSwap.Find(up.Home) is not null;
        if (interrupted)
        {
            // The conductor may put it right between the two looks: a restart of the database that the restore asked for
            // just before the kill finishes the swap. Status must say so while the swap is still half done.
            var status = await up.CliAsync("status", "--json");
            Assert.True(status.StandardOutput.Contains("a full-cluster point-in-time restore was interrupted while it replaced the data directory", StringComparison.Ordinal)
                || InterruptedClusterSwap.Find(up.Home) is null,
                status.StandardOutput + status.StandardError);
        }

        // The start a person asks for (the kill left the maintenance window open) finds one whole cluster.
        Assert.Equal(0, (await up.CliAsync("restart", "database")).ExitCode);
        await WaitForDatabaseAsync(up);
        Assert.Equal(0, (await up.CliAsync("maintenance", "off")).ExitCode);

        // Restored when the kill came after the second rename, the old one back when it came between the two; never neither.
        Assert.Equal(Directory.Exists(kept) ? 10L : 20L, await ScalarAsync(platform, "SELECT count(*) FROM pitr_marks"));
        Assert.Null(InterruptedClusterSwap.Find(up.Home));
        Assert.True(!interrupted || (await up.EventsAsync("database")).Any(e => e.Seen.Contains("was interrupted while it replaced the data directory", StringComparison.Ordinal)),
            string.Join('\n', await up.EventsAsync("database")));
    }

    private static async Task WaitForDatabaseAsync(SupervisedUp up)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        using var control = up.Control();
        while (!(await control.StatusAsync()).Components.Any(c => c.Name == "database" && c.State == O4O.Recovery.Supervision.ComponentState.Running))
        {
            Assert.True(DateTime.UtcNow < deadline, "the database did not run again within 2 minutes:\n" + string.Join('\n', await up.EventsAsync("database")));
            await Task.Delay(200);
        }
    }

    private static async Task WaitForPhysicalBackupAsync(SupervisedUp up)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await PgBackRest.For(up.Home).InfoAsync(CancellationToken.None)
            .ContinueWith(info => info.IsCompletedSuccessfully ? info.Result.RecoverableSince : null) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no physical backup within 3 minutes:\n" + up.Up.Output);
            await Task.Delay(500);
        }

        // A target in the second a set stopped is refused: the rows come after it.
        await Task.Delay(1500);
    }

    /// <summary>Ten marks, a moment (returned), ten more marks.</summary>
    private static async Task<DateTimeOffset> MarksAroundATargetAsync(NpgsqlDataSource platform)
    {
        await SqlAsync(platform, "CREATE TABLE pitr_marks (id int PRIMARY KEY)", "INSERT INTO pitr_marks SELECT generate_series(1, 10)");
        await Task.Delay(1000);
        var target = DateTimeOffset.UtcNow;
        await Task.Delay(1000);
        await SqlAsync(platform, "INSERT INTO pitr_marks SELECT generate_series(11, 20)");
        return target;
    }

    private static async Task<int> TimelineAsync(NpgsqlDataSource database) =>
        int.Parse((string)(await ScalarAsync(database, "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"))!, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static async Task SqlAsync(NpgsqlDataSource database, params string[] statements)
    {
        foreach (var statement in statements)
        {
            await using var command = database.CreateCommand(statement);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }
}

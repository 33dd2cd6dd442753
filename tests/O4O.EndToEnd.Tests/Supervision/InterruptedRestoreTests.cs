using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// <c>o4o restore</c> killed with <c>kill -9</c> at the moment the live database refuses connections (the swap): the
/// conductor, or <c>o4o status</c>, finishes or rolls back the swap from the restore's journal, and the shop serves.
/// </summary>
public sealed class InterruptedRestoreTests
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private const string AllowsConnections = "SELECT datallowconn FROM pg_database WHERE datname = 'o4o_platform'";

    [Fact]
    public async Task A_restore_killed_while_the_database_refuses_connections_is_put_right_by_the_conductor_and_the_shop_serves()
    {
        await using var up = await RecoverRestoreTests.StartWithBackupAsync();

        await KillRestoreDuringSwapAsync(up);

        await up.Up.WaitForHealthAsync(up.Client, TimeSpan.FromSeconds(60));
        await up.Up.WaitForOkAsync(up.Client, "/", TimeSpan.FromSeconds(60));

        await up.WaitForEventsAsync("database", events => events.Any(e => e.Done.StartsWith("rolled the swap back", StringComparison.Ordinal)
            || e.Done.StartsWith("finished the swap", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(await up.EventsAsync("database"), e => e.Done.StartsWith("restarted", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(up.Home.Run, "restore.json")));
        var status = await up.CliAsync("status");
        Assert.True(status.ExitCode == 0, status.StandardOutput + status.StandardError);
    }

    [Fact]
    public async Task With_the_conductor_stopped_o4o_status_puts_a_restore_killed_mid_swap_right_and_says_so()
    {
        await using var up = await RecoverRestoreTests.StartWithBackupAsync();
        await StopConductorOutsideStateWritesAsync(up);
        try
        {
            await KillRestoreDuringSwapAsync(up);

            var status = await up.CliAsync("status", "--json");

            using var report = JsonDocument.Parse(status.StandardOutput);
            var components = report.RootElement.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
            Assert.Matches("put right just now: a restore was killed .*(rolled the swap back|finished the swap)", components["restores"].GetProperty("detail").GetString());
            Assert.Equal("healthy", components["database"].GetProperty("state").GetString());
            await using var database = up.Database();
            await using var allowed = database.CreateCommand(AllowsConnections);
            Assert.Equal(true, await allowed.ExecuteScalarAsync());
        }
        finally
        {
            UnixProcess.Signal(up.Up.Pid, SigCont);
        }

        await up.Up.WaitForHealthAsync(up.Client, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Stops the conductor (SIGSTOP) at a moment it holds no lock on <c>state.db</c>: stopped inside one of its writes, it
    /// would keep every other writer, the restore recording itself, waiting until SQLite's busy timeout.
    /// </summary>
    private static async Task StopConductorOutsideStateWritesAsync(SupervisedUp up)
    {
        for (var attempt = 1; ; attempt++)
        {
            UnixProcess.Signal(up.Up.Pid, SigStop);
            await using var state = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = up.Home.StateDatabase, Pooling = false, DefaultTimeout = 1 }.ToString());
            await state.OpenAsync();
            try
            {
                using var write = state.BeginTransaction(deferred: false);
                write.Rollback();
                return;
            }
            catch (SqliteException) when (attempt < 20)
            {
                UnixProcess.Signal(up.Up.Pid, SigCont);
                await Task.Delay(200);
            }
        }
    }

    /// <summary>
    /// Runs <c>o4o restore latest --db-only --yes</c>, watches <c>pg_database.datallowconn</c> and stops the restore the
    /// moment the live database refuses connections, checks it still does, then kills the restore with SIGKILL. A session
    /// held on the live database makes the swap wait for it to end, so the moment lasts a tenth of a second; on a loaded
    /// machine the watcher may still miss it, and then the restore has simply finished: it is run again.
    /// </summary>
    private static async Task KillRestoreDuringSwapAsync(SupervisedUp up)
    {
        await using var watcher = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = up.Up.DatabasePort,
            Username = "postgres",
            Password = (await File.ReadAllTextAsync(up.Home.PostgresPasswordFile)).Trim(),
            Database = "postgres",
            Pooling = false,
        }.ConnectionString);
        await watcher.OpenAsync();
        await using var poll = new NpgsqlCommand(AllowsConnections, watcher);
        for (var attempt = 1; ; attempt++)
        {
            await using var database = up.Database();
            await using var held = await database.OpenConnectionAsync();
            using var restore = up.StartCli("restore", "latest", "--db-only", "--yes");
            while (await poll.ExecuteScalarAsync() is true && !restore.HasExited)
            {
            }

            if (restore.HasExited)
            {
                var said = await restore.StandardError.ReadToEndAsync();
                Assert.True(restore.ExitCode == 0 && attempt < 5, $"the restore was never seen pausing connections (attempt {attempt}): {said}");
                continue;
            }

            UnixProcess.Signal(restore.Id, SigStop);
            Assert.Equal(false, await poll.ExecuteScalarAsync());
            restore.Kill();
            await restore.WaitForExitAsync();
            Assert.True(File.Exists(Path.Combine(up.Home.Run, "restore.json")));
            return;
        }
    }
}

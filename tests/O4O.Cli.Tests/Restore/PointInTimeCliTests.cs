using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Incidents;
using O4O.Recovery.PointInTime;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Restore;

/// <summary>
/// <c>o4o restore --to-time | --to-lsn | --before-incident</c> on a real archiving cluster with real pgBackRest: each step
/// is a line, a dropped table comes back, an unreachable target is one line and exit 1, a dry run changes nothing.
/// </summary>
[Collection(LocalisedOutput.Collection)]
public sealed class PointInTimeCliTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>, IDisposable
{
    private readonly CliRun _cli = new(fixture.Home.Root);

    [Fact]
    public async Task Restore_to_time_yes_brings_a_dropped_table_back_saying_each_step_and_prints_the_kept_database()
    {
        var beforeDrop = await ShopWithDroppedOrdersAsync(orders: 40);

        var restore = await RunAsync("restore", "--to-time", beforeDrop.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture), "--yes");

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Equal(40L, await fixture.ScalarAsync("SELECT count(*) FROM orders", "o4o_platform"));
        Assert.StartsWith("o4o_platform_broken_", restore.Out.Trim(), StringComparison.Ordinal);
        foreach (var step in new[] { "Restoring backup set ", "Replaying archived WAL up to time ", "Target reached: recovery stopping before commit of transaction ",
            "Copying the restored database into o4o_platform_restore", "Verifying o4o_platform_restore against the side instance", "Swapping it in (the current database is kept as o4o_platform_broken_",
            "Live against restored, rows per table: orders missing → 40" })
        {
            Assert.Contains(step, restore.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_dry_run_before_an_incident_says_what_would_change_and_changes_nothing()
    {
        // Opened by hand when the shop slowed down, before the table went.
        var incident = "";
        await ShopWithDroppedOrdersAsync(orders: 3, async () => incident = (await RunAsync("incident", "open", "the shop is slow")).Out.Trim());

        var dryRun = await RunAsync("restore", "--before-incident", incident, "--dry-run");

        Assert.True(dryRun.ExitCode == 0, dryRun.Error);
        Assert.Contains($"Incident {incident}'s first evidence is at ", dryRun.Error, StringComparison.Ordinal);
        Assert.Contains("orders missing → 3", dryRun.Error, StringComparison.Ordinal);
        Assert.Contains("Dry run: the target was reached on the side instance; nothing live was changed.", dryRun.Error, StringComparison.Ordinal);
        Assert.Equal(false, await fixture.ScalarAsync("SELECT to_regclass('public.orders') IS NOT NULL", "o4o_platform"));
        Assert.Equal(0L, await fixture.ScalarAsync("SELECT count(*) FROM pg_database WHERE starts_with(datname, 'o4o_platform_')"));
    }

    [Fact]
    public async Task Before_a_data_loss_incident_the_restore_stops_just_before_the_transaction_that_did_it_keeping_what_came_before()
    {
        await ShopWithDroppedOrdersAsync(orders: 25, atDrop: async () =>
        {
            // The conductor's mark of the tables' files, from before the first evidence less the search's margin.
            var marked = new FakeTimeProvider(DateTimeOffset.UtcNow - DamageRecoveryPoint.Margin - TimeSpan.FromSeconds(5));
            Assert.True(await new TableFileMarking(fixture.Cluster.ConnectionString("o4o_platform"), new TableFileMarks(fixture.Home.StateDatabase), marked)
                .MarkAsync(CancellationToken.None));
            // Committed after the mark and before the drop: a restore to the mark's time would lose it.
            await fixture.ScalarAsync("INSERT INTO orders (total) VALUES (26)", "o4o_platform");
        });
        var incident = await new IncidentStore(fixture.Home.StateDatabase).OpenAsync("orders is gone", DateTimeOffset.UtcNow, "auto-recovery", "database",
            FailureType.DataLoss, CancellationToken.None);

        var restore = await RunAsync("restore", "--before-incident", incident.ToString(CultureInfo.InvariantCulture), "--yes");

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Matches("Damage search: found in archived WAL: transaction [0-9]+ dropped public.orders", restore.Error);
        Assert.Equal(26L, await fixture.ScalarAsync("SELECT count(*) FROM orders", "o4o_platform"));
    }

    [Fact]
    public async Task A_target_in_the_future_is_one_line_and_exit_1_with_nothing_changed()
    {
        await ShopWithDroppedOrdersAsync(orders: 2);

        var restore = await RunAsync("restore", "--to-time", DateTime.Now.AddHours(2).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), "--yes");

        Assert.Equal(1, restore.ExitCode);
        var line = Assert.Single(restore.ErrorLines);
        Assert.StartsWith("o4o: The target time ", line, StringComparison.Ordinal);
        Assert.Contains("is in the future", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_dry_run_says_which_data_directory_it_would_replace_and_changes_nothing()
    {
        var beforeDrop = await ShopWithDroppedOrdersAsync(orders: 4);

        var dryRun = await RunAsync("restore", "--to-time", beforeDrop.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture), "--full", "--dry-run");

        Assert.True(dryRun.ExitCode == 0, dryRun.Error);
        Assert.Contains("orders missing → 4", dryRun.Error, StringComparison.Ordinal);
        Assert.Contains($"A full restore would replace the data directory {fixture.Home.PostgresData}, keeping the current one as {fixture.Home.PostgresData}.before-pitr-",
            dryRun.Error, StringComparison.Ordinal);
        Assert.Equal(false, await fixture.ScalarAsync("SELECT to_regclass('public.orders') IS NOT NULL", "o4o_platform"));
        Assert.Empty(Directory.EnumerateDirectories(fixture.Home.Root, "pg.before-pitr-*"));
    }

    [Fact]
    public async Task A_full_restore_without_a_running_conductor_is_one_line_and_exit_1_before_anything_is_restored()
    {
        var beforeDrop = await ShopWithDroppedOrdersAsync(orders: 2);

        var restore = await RunAsync("restore", "--to-time", beforeDrop.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture), "--full", "--yes");

        Assert.Equal(1, restore.ExitCode);
        var line = Assert.Single(restore.ErrorLines);
        Assert.StartsWith("o4o: A full-cluster restore needs the conductor running (o4o up)", line, StringComparison.Ordinal);
        Assert.Null(SideInstanceLeftover.Find(fixture.Home));
    }

    [Theory]
    [InlineData("pitr/data/PG_VERSION")]
    [InlineData("pitr/log/side.log")]
    [InlineData("o4o_platform_restore")]
    public async Task A_restore_killed_at_any_step_leaves_the_live_database_serving_and_the_next_run_removes_its_side_instance(string killWhen)
    {
        var beforeDrop = await ShopWithDroppedOrdersAsync(orders: 300_000);
        var target = beforeDrop.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "o4o.dll"), "restore", "--to-time", target, "--yes"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["O4O_HOME"] = fixture.Home.Root;
        start.Environment["O4O__Database__Port"] = fixture.Cluster.Port.ToString(CultureInfo.InvariantCulture);
        using (var restore = Process.Start(start)!)
        {
            while (!await ReachedAsync(killWhen))
            {
                if (restore.HasExited)
                {
                    Assert.Fail($"o4o restore exited ({restore.ExitCode}) before {killWhen} appeared: {await restore.StandardError.ReadToEndAsync()}");
                }

                await Task.Delay(10);
            }

            restore.Kill();
            await restore.WaitForExitAsync();
        }

        Assert.Equal(false, await fixture.ScalarAsync("SELECT to_regclass('public.orders') IS NOT NULL", "o4o_platform"));
        Assert.NotNull(SideInstanceLeftover.Find(fixture.Home));
        var status = await RunAsync("status");
        Assert.Contains("leftover side instance of an interrupted point-in-time restore", status.Out + status.Error, StringComparison.Ordinal);

        var again = await RunAsync("restore", "--to-time", target, "--yes");

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(300_000L, await fixture.ScalarAsync("SELECT count(*) FROM orders", "o4o_platform"));
        Assert.Null(SideInstanceLeftover.Find(fixture.Home));
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc"), process => ProcessCommandLine(process).Contains(SideInstance.RootOf(fixture.Home), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("restore", "--to-time", "yesterday")]
    [InlineData("restore", "--to-lsn", "0/XYZ")]
    [InlineData("restore", "--to-time", "2026-12-06 10:00", "--to-lsn", "0/1")]
    [InlineData("restore", "latest", "--to-lsn", "0/1")]
    [InlineData("restore", "--full")]
    [InlineData("restore", "--to-lsn", "0/1", "--full", "--db-only")]
    public async Task A_malformed_or_conflicting_target_is_a_command_line_error(params string[] arguments)
    {
        var result = await RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
    }

    public void Dispose() => _cli.Dispose();

    private Task<CliResult> RunAsync(params string[] arguments)
    {
        _cli.Settings["Database:Port"] = fixture.Cluster.Port.ToString(CultureInfo.InvariantCulture);
        return _cli.RunAsync(arguments);
    }

    private async Task<bool> ReachedAsync(string step) => step.Contains('/', StringComparison.Ordinal)
        ? File.Exists(Path.Combine(fixture.Home.Root, step))
        : await fixture.ScalarAsync($"SELECT 1 FROM pg_database WHERE datname = '{step}'") is not null;

    private static string ProcessCommandLine(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>A fresh platform database with <paramref name="orders"/> orders, a full backup, then the table dropped; returns a moment before the drop.</summary>
    private async Task<DateTimeOffset> ShopWithDroppedOrdersAsync(int orders, Func<Task>? atDrop = null)
    {
        await fixture.ScalarAsync("DROP DATABASE IF EXISTS o4o_platform WITH (FORCE)");
        foreach (var name in ((await fixture.ScalarAsync("SELECT string_agg(datname, ',') FROM pg_database WHERE starts_with(datname, 'o4o_platform_')")) as string ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            await fixture.ScalarAsync($"DROP DATABASE \"{name}\"");
        }

        await fixture.ScalarAsync("CREATE DATABASE o4o_platform");
        await fixture.ScalarAsync($"CREATE TABLE orders (id serial PRIMARY KEY, total numeric); INSERT INTO orders (total) SELECT g FROM generate_series(1, {orders}) g", "o4o_platform");
        await fixture.PgBackRest.RunAsync("backup", ["--type=full"], CancellationToken.None);
        await fixture.ScalarAsync("INSERT INTO orders (total) VALUES (0); DELETE FROM orders WHERE total = 0", "o4o_platform");
        var beforeDrop = new DateTimeOffset((DateTime)(await fixture.ScalarAsync("SELECT clock_timestamp()"))!, TimeSpan.Zero);
        await Task.Delay(1100);
        await (atDrop?.Invoke() ?? Task.CompletedTask);
        await fixture.ScalarAsync("DROP TABLE orders", "o4o_platform");
        return beforeDrop;
    }
}

using System.Globalization;
using O4O.Recovery.Backups;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// The platform database on an archiving cluster, a point-in-time restore of it, and what it put on the record: the
/// shop's <c>orders</c> table, full backups by pgBackRest, and the time each step happened by the server's own clock.
/// </summary>
internal sealed class PitrBed(ArchivingClusterFixture fixture) : IRecoveryJournal
{
    public const string Database = "o4o_platform";

    public List<RecoveryEvent> Events { get; } = [];

    public List<PointInTimeProgress> Steps { get; } = [];

    public ResolvedDatabaseServer Server => new(fixture.Cluster.ConnectionString(), Database, fixture.Cluster.Binaries);

    public Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        lock (Events)
        {
            Events.Add(recoveryEvent);
        }

        return Task.CompletedTask;
    }

    /// <summary>A fresh platform database holding <paramref name="orders"/> orders, and a full backup of the cluster.</summary>
    public async Task StartAsync(int orders)
    {
        await fixture.ScalarAsync($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        foreach (var kept in await KeptAsync())
        {
            await fixture.ScalarAsync($"DROP DATABASE \"{kept}\"");
        }

        await fixture.ScalarAsync($"CREATE DATABASE {Database}");
        await SqlAsync("CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
        await AddOrdersAsync(orders);
        await fixture.PgBackRest.RunAsync("backup", ["--type=full"], CancellationToken.None);
    }

    public Task AddOrdersAsync(int count) => SqlAsync($"INSERT INTO orders (total) SELECT g FROM generate_series(1, {count}) g");

    public Task<object?> SqlAsync(string sql) => fixture.ScalarAsync(sql, Database);

    /// <summary>A <c>DELETE FROM orders</c> without <c>WHERE</c>; returns its transaction's id.</summary>
    public async Task<uint> DeleteAllOrdersAsync() =>
        Convert.ToUInt32(await SqlAsync("BEGIN; DELETE FROM orders; SELECT pg_current_xact_id()::text::bigint; COMMIT"), CultureInfo.InvariantCulture);

    /// <summary>The server's clock: what a commit's time is compared with.</summary>
    public async Task<DateTimeOffset> NowAsync() => new((DateTime)(await fixture.ScalarAsync("SELECT clock_timestamp()"))!, TimeSpan.Zero);

    public async Task<long?> OrdersAsync(string database = Database)
    {
        var exists = await fixture.ScalarAsync("SELECT to_regclass('public.orders') IS NOT NULL", database);
        return exists is true ? (long)(await fixture.ScalarAsync("SELECT count(*) FROM orders", database))! : null;
    }

    /// <summary>Databases other than the platform's and the server's own: kept copies and leftovers.</summary>
    public async Task<IReadOnlyList<string>> KeptAsync()
    {
        var names = await fixture.ScalarAsync(
            $"SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE starts_with(datname, '{Database}_')");
        return names is string list ? list.Split(",") : [];
    }

    public PointInTimeRestore Restore(IClusterSupervision? supervision = null) =>
        new(fixture.Home, Server, LogicalRestore(), this, "test", TimeProvider.System) { Supervision = supervision };

    public DatabaseRestore LogicalRestore() => new(fixture.Home, Server, new BackupCatalogue(fixture.Home.StateDatabase, fixture.Home.Backups), TimeProvider.System);

    public Task<PointInTimeOutcome> RunAsync(RecoveryTarget target, bool dryRun = false, bool confirm = true) =>
        Restore().RunAsync(target, PointInTimeMode.DatabaseOnly, dryRun, _ => confirm, new SyncProgress(Steps), CancellationToken.None);

    public string Timeline => string.Join("\n", Events.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Seen} | {e.Done} | {e.Outcome}")));

    private sealed class SyncProgress(List<PointInTimeProgress> steps) : IProgress<PointInTimeProgress>
    {
        public void Report(PointInTimeProgress value) => steps.Add(value);
    }
}

using O4O.Recovery.Containment;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Tests.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>
/// An off-site bucket that cannot be reached (its server stopped) does not hold the live system back: orders commit, every
/// WAL segment reaches the local repository at once, local physical backups and point-in-time restores work, and the
/// off-site copy catches up once the bucket is back.
/// </summary>
public sealed class OffsiteOutageTests(S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task While_the_bucket_is_down_the_local_archive_keeps_up_and_a_table_dropped_then_comes_back_from_it()
    {
        var archiving = await StartAsync();
        var bed = new PitrBed(archiving);
        await bed.StartAsync(orders: 100);
        await server.StopAsync();
        try
        {
            await bed.AddOrdersAsync(50);
            var segment = (string)(await archiving.ScalarAsync("SELECT pg_walfile_name(pg_switch_wal())"))!;

            var status = await UntilArchivedAsync(archiving, segment);
            var local = (await archiving.PgBackRest.InfoAsync(CancellationToken.None)).NewestWal;
            Assert.True(status is { FailedCount: 0, Waiting: 0 } && string.CompareOrdinal(local, segment) >= 0,
                $"{segment} switched; {status}; the local repository's newest segment {local}");
            await new PhysicalBackup(archiving.PgBackRest, TimeProvider.System).TakeAsync("incr", progress: null, CancellationToken.None);
            var beforeDrop = await bed.NowAsync();
            await bed.SqlAsync("DROP TABLE orders");

            var outcome = await bed.RunAsync(RecoveryTarget.ToTime(beforeDrop));

            Assert.True(outcome.Swapped, bed.Timeline);
            Assert.Equal(150L, await bed.OrdersAsync());
        }
        finally
        {
            await server.StartAsync();
            await archiving.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_cluster_started_while_the_bucket_is_down_passes_its_archiving_check()
    {
        await server.StopAsync();
        try
        {
            var archiving = await StartAsync();

            await archiving.DisposeAsync();
        }
        finally
        {
            await server.StartAsync();
        }
    }

    [Fact]
    public async Task Once_the_bucket_is_back_the_WAL_archived_while_it_was_down_is_shipped_and_the_lag_meanwhile_is_recorded()
    {
        var archiving = await StartAsync();
        var events = new RecordedEvents();
        using var shipping = new OffsiteWalShipping(archiving.PgBackRest, events, TimeProvider.System);
        try
        {
            await archiving.ScalarAsync("CREATE TABLE orders AS SELECT n FROM generate_series(1, 1000) n");
            await UntilArchivedAsync(archiving, (string)(await archiving.ScalarAsync("SELECT pg_walfile_name(pg_switch_wal())"))!);
            Assert.True(await shipping.ShipAsync(CancellationToken.None), OffsiteWalState.Read(archiving.PgBackRest.Layout)?.Error);
            await server.StopAsync();
            await archiving.ScalarAsync("INSERT INTO orders SELECT n FROM generate_series(1, 1000) n");
            var during = (string)(await archiving.ScalarAsync("SELECT pg_walfile_name(pg_switch_wal())"))!;
            await UntilArchivedAsync(archiving, during);

            Assert.False(await shipping.ShipAsync(CancellationToken.None));
            var waiting = OffsiteWalState.Read(archiving.PgBackRest.Layout)!;
            Assert.True(waiting is { Pending: > 0, OldestPendingAt: not null, Error: not null }, waiting.ToString());
            Assert.Contains(events.Events, e => e.Component == OffsiteWalShipping.Component && e.Seen.StartsWith("WAL does not reach the off-site repository", StringComparison.Ordinal));

            await server.StartAsync();
            Assert.True(await shipping.ShipAsync(CancellationToken.None), OffsiteWalState.Read(archiving.PgBackRest.Layout)?.Error);

            var (local, directories) = await ArchivedWal.ListLocalAsync(archiving.PgBackRest, CancellationToken.None);
            var remote = await ArchivedWal.ListAsync(archiving.PgBackRest, PgBackRestOffsite.Remote, directories, CancellationToken.None);
            Assert.Contains(during, remote.Keys);
            Assert.Empty(local.Keys.Except(remote.Keys));
            Assert.Equal(new OffsiteWalState(local.Keys.Max(StringComparer.Ordinal), 0, null, null), OffsiteWalState.Read(archiving.PgBackRest.Layout));
            Assert.Contains(events.Events, e => e.Component == OffsiteWalShipping.Component && e.Seen.StartsWith("WAL reaches the off-site repository again", StringComparison.Ordinal));
        }
        finally
        {
            await server.StartAsync();
            await archiving.DisposeAsync();
        }
    }

    [Fact]
    public async Task While_the_shop_is_isolated_no_WAL_leaves_for_the_bucket_and_isolate_off_ships_what_waited()
    {
        var archiving = await StartAsync();
        using var shipping = new OffsiteWalShipping(archiving.PgBackRest, new RecordedEvents(), TimeProvider.System);
        try
        {
            await archiving.ScalarAsync("CREATE TABLE orders AS SELECT n FROM generate_series(1, 1000) n");
            Assert.True(await shipping.ShipAsync(CancellationToken.None), OffsiteWalState.Read(archiving.PgBackRest.Layout)?.Error);
            Assert.True(Isolation.TurnOn(archiving.Home, "ops", DateTimeOffset.UtcNow));
            await archiving.ScalarAsync("INSERT INTO orders SELECT n FROM generate_series(1, 1000) n");
            var during = (string)(await archiving.ScalarAsync("SELECT pg_walfile_name(pg_switch_wal())"))!;
            await UntilArchivedAsync(archiving, during);

            Assert.True(await shipping.ShipAsync(CancellationToken.None));
            Assert.DoesNotContain(during, await RemoteWalAsync(archiving));

            Assert.True(Isolation.TurnOff(archiving.Home));
            Assert.True(await shipping.ShipAsync(CancellationToken.None), OffsiteWalState.Read(archiving.PgBackRest.Layout)?.Error);
            Assert.Contains(during, await RemoteWalAsync(archiving));
        }
        finally
        {
            await archiving.DisposeAsync();
        }
    }

    private static async Task<IEnumerable<string>> RemoteWalAsync(ArchivingClusterFixture archiving)
    {
        var (_, directories) = await ArchivedWal.ListLocalAsync(archiving.PgBackRest, CancellationToken.None);
        return (await ArchivedWal.ListAsync(archiving.PgBackRest, PgBackRestOffsite.Remote, directories, CancellationToken.None)).Keys;
    }

    // The segment reaches the local repository within a minute, or the status as it stands then.
    private static async Task<ArchiverStatus> UntilArchivedAsync(ArchivingClusterFixture archiving, string segment)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var status = await ArchiverStatus.ReadAsync(archiving.Cluster.ConnectionString(), CancellationToken.None);
            if (string.CompareOrdinal(status.LastArchivedWal ?? "", segment) >= 0 || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(250);
        }
    }

    private async Task<ArchivingClusterFixture> StartAsync()
    {
        var fixture = new ArchivingClusterFixture { Offsite = ArchiveUploadTests.OffsiteOf(server) };
        try
        {
            await fixture.InitializeAsync();
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }
}

using Npgsql;
using O4O.Recovery.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// Point-in-time restores of the platform database through a side instance, on a real archiving cluster with real
/// pgBackRest: a dropped table comes back with every row committed before the drop, a target the repository cannot
/// reach is refused with the live database unchanged, and a dry run changes nothing.
/// </summary>
public sealed class PointInTimeRestoreTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task A_table_dropped_after_a_full_backup_comes_back_to_a_time_with_every_row_committed_before_the_drop()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 1000);
        await bed.AddOrdersAsync(500);
        var beforeDrop = await bed.NowAsync();
        await bed.SqlAsync("DROP TABLE orders");

        var outcome = await bed.RunAsync(RecoveryTarget.ToTime(beforeDrop));

        Assert.True(outcome.Swapped, bed.Timeline);
        Assert.Equal(1500L, await bed.OrdersAsync());
        Assert.Null(await bed.OrdersAsync(outcome.Plan.Kept));
        Assert.StartsWith("recovery stopping before commit of transaction", outcome.Plan.Stop.LogLine, StringComparison.Ordinal);
        Assert.Equal(1500L, outcome.Plan.RestoredRows["public.orders"]);
        Assert.Equal([PointInTimeStep.Restore, PointInTimeStep.Replay, PointInTimeStep.Confirmed, PointInTimeStep.Copy, PointInTimeStep.Verify, PointInTimeStep.Swap],
            bed.Steps.Select(step => step.Step));
        Assert.Contains(bed.Events, e => e.Seen.StartsWith("replay reached the target: recovery stopping before commit", StringComparison.Ordinal));
        Assert.Contains(bed.Events, e => e.Done.Contains($"kept as {outcome.Plan.Kept}", StringComparison.Ordinal)
            && e.Seen.Contains("public.orders missing or unreadable live, restored 1500", StringComparison.Ordinal));
        Assert.False(Directory.Exists(SideInstance.RootOf(fixture.Home)));
        Assert.Null(SideInstanceLeftover.Find(fixture.Home));
    }

    [Fact]
    public async Task A_restore_to_just_before_the_dropping_transaction_keeps_what_committed_in_the_same_second()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 10);
        await bed.AddOrdersAsync(7);
        var xid = Convert.ToUInt32(await bed.SqlAsync("BEGIN; DROP TABLE orders; SELECT pg_current_xact_id()::text::bigint; COMMIT"), System.Globalization.CultureInfo.InvariantCulture);
        var after = (string)(await fixture.ScalarAsync("SELECT pg_current_wal_lsn()::text"))!;

        var outcome = await bed.RunAsync(RecoveryTarget.BeforeTransaction(xid, after, await bed.NowAsync()));

        Assert.True(outcome.Swapped, bed.Timeline);
        Assert.Equal(17L, await bed.OrdersAsync());
        Assert.StartsWith($"recovery stopping before commit of transaction {xid}", outcome.Plan.Stop.LogLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_still_open_when_the_rows_were_deleted_and_committed_after_is_carried_over_the_swap()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 10);
        // A customer's order open across the damage, while a later one commits before it: replay pauses with the first
        // one running, which a standby's pg_current_snapshot() does not list.
        await using var open = new NpgsqlConnection(fixture.Cluster.ConnectionString(PitrBed.Database) + ";Pooling=false");
        await open.OpenAsync();
        await using var transaction = await open.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO orders (total) VALUES (42)", open, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await bed.AddOrdersAsync(3);
        var xid = Convert.ToUInt32(await bed.SqlAsync("BEGIN; DELETE FROM orders; SELECT pg_current_xact_id()::text::bigint; COMMIT"), System.Globalization.CultureInfo.InvariantCulture);
        await transaction.CommitAsync();
        var after = (string)(await fixture.ScalarAsync("SELECT pg_current_wal_lsn()::text"))!;

        var outcome = await bed.RunAsync(RecoveryTarget.BeforeTransaction(xid, after, await bed.NowAsync()));

        Assert.True(outcome.Swapped, bed.Timeline);
        Assert.Equal(14L, await bed.OrdersAsync());
        Assert.Equal(1L, await bed.SqlAsync("SELECT count(*) FROM orders WHERE total = 42"));
    }

    [Fact]
    public async Task A_dry_run_confirms_the_target_and_says_what_would_change_without_changing_anything()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 20);
        var beforeDrop = await bed.NowAsync();
        await bed.SqlAsync("DROP TABLE orders");

        var outcome = await bed.RunAsync(RecoveryTarget.ToTime(beforeDrop), dryRun: true);

        Assert.False(outcome.Swapped);
        Assert.Equal(20L, outcome.Plan.RestoredRows["public.orders"]);
        Assert.Contains("public.orders", outcome.Plan.Changes.Uncounted);
        Assert.Null(await bed.OrdersAsync());
        Assert.Empty(await bed.KeptAsync());
        Assert.Equal([PointInTimeStep.Restore, PointInTimeStep.Replay, PointInTimeStep.Confirmed], bed.Steps.Select(step => step.Step));
        Assert.False(Directory.Exists(SideInstance.RootOf(fixture.Home)));
    }

    [Fact]
    public async Task A_target_before_the_oldest_backup_is_refused_and_the_live_database_is_unchanged()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 5);

        var refused = await Assert.ThrowsAsync<RecoveryTargetException>(() => bed.RunAsync(RecoveryTarget.ToTime(DateTimeOffset.UtcNow.AddDays(-1))));

        Assert.Contains("before the oldest physical backup", refused.Message, StringComparison.Ordinal);
        Assert.Equal(5L, await bed.OrdersAsync());
        Assert.Empty(await bed.KeptAsync());
        Assert.Contains(bed.Events, e => e.Seen.Contains("failed: The target", StringComparison.Ordinal) && e.Outcome == "nothing live was changed");
    }

    [Fact]
    public async Task A_target_in_the_future_is_refused_and_the_live_database_is_unchanged()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 5);

        var refused = await Assert.ThrowsAsync<RecoveryTargetException>(() => bed.RunAsync(RecoveryTarget.ToTime(DateTimeOffset.UtcNow.AddHours(1))));

        Assert.Contains("is in the future", refused.Message, StringComparison.Ordinal);
        Assert.Equal(5L, await bed.OrdersAsync());
        Assert.Empty(await bed.KeptAsync());
    }

    [Fact]
    public async Task A_target_past_a_segment_missing_from_the_repository_is_not_reached_and_nothing_changes()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 5);
        await bed.AddOrdersAsync(3);
        var gap = (string)(await fixture.ScalarAsync("SELECT pg_walfile_name(pg_current_wal_lsn())"))!;
        await fixture.ScalarAsync("SELECT pg_switch_wal()");
        await bed.AddOrdersAsync(4);
        await WaitArchivedAsync(gap);
        foreach (var file in Directory.EnumerateFiles(fixture.PgBackRest.Layout.Repository, gap + "-*", SearchOption.AllDirectories))
        {
            File.Delete(file);
        }

        await bed.SqlAsync("DROP TABLE orders");
        var target = RecoveryTarget.ToTime(await bed.NowAsync());
        var refused = await Assert.ThrowsAsync<RecoveryTargetException>(() => bed.RunAsync(target));

        Assert.Contains("recovery ended before configured recovery target was reached", refused.Message, StringComparison.Ordinal);
        Assert.Null(await bed.OrdersAsync());
        Assert.Empty(await bed.KeptAsync());
        Assert.False(Directory.Exists(SideInstance.RootOf(fixture.Home)));
    }

    [Fact]
    public async Task The_live_cluster_keeps_archiving_while_the_side_instance_replays_and_the_side_reaches_its_target()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 10);
        // A dozen segments of WAL after the backup: the side instance fetches them from the repository while the live
        // cluster pushes its own.
        await bed.AddOrdersAsync(1_000_000);
        var target = await bed.NowAsync();
        await bed.AddOrdersAsync(5);
        var replaying = new TaskCompletionSource();
        var restore = bed.Restore().RunAsync(RecoveryTarget.ToTime(target), PointInTimeMode.DatabaseOnly, dryRun: true, _ => false,
            new Progress<PointInTimeProgress>(step => _ = step.Step == PointInTimeStep.Replay && replaying.TrySetResult()), CancellationToken.None);

        await replaying.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var slowest = (Segment: "", Took: TimeSpan.Zero);
        var archived = 0;
        while (!restore.IsCompleted)
        {
            await bed.AddOrdersAsync(1);
            var segment = (string)(await fixture.ScalarAsync("SELECT pg_walfile_name(pg_switch_wal())"))!;
            var took = System.Diagnostics.Stopwatch.StartNew();
            await WaitArchivedAsync(segment, tries: 1200);
            slowest = took.Elapsed > slowest.Took ? (segment, took.Elapsed) : slowest;
            archived++;
        }

        var outcome = await restore;
        Assert.StartsWith("recovery stopping before commit of transaction", outcome.Plan.Stop.LogLine, StringComparison.Ordinal);
        Assert.Equal(1_000_010L, outcome.Plan.RestoredRows["public.orders"]);
        Assert.True(archived > 0);
        // The usual time is the archive timeout and a push, about a second; an archiver kept from the repository waits a minute.
        Assert.True(slowest.Took < TimeSpan.FromSeconds(15), $"segment {slowest.Segment} took {slowest.Took} to be archived during the side instance's replay");
    }

    private async Task WaitArchivedAsync(string segment, int tries = 300)
    {
        for (var tried = 0; tried < tries; tried++)
        {
            if (string.CompareOrdinal((string?)await fixture.ScalarAsync("SELECT last_archived_wal FROM pg_stat_archiver") ?? "", segment) >= 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"segment {segment} was not archived");
    }
}

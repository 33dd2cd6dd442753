using O4O.Recovery.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

public sealed class DamagingTransactionFinderTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Theory]
    [InlineData("DROP TABLE orders CASCADE", "Dropped")]
    [InlineData("TRUNCATE orders CASCADE", "Truncated")]
    [InlineData("DELETE FROM orders", "Deleted")]
    [InlineData("SAVEPOINT first; TRUNCATE orders CASCADE", "Truncated")]
    [InlineData("SAVEPOINT first; DELETE FROM orders", "Deleted")]
    public async Task The_transaction_that_dropped_truncated_or_emptied_orders_is_found_after_every_earlier_acknowledged_order(string statement, string kind)
    {
        var (shop, start, tables) = await OpenAsync();
        await using (shop)
        {
            var acknowledged = await shop.TrafficAsync();
            // The rows at the start, the 30 orders placed, less the 3 cancelled and the 12 cleaned up.
            var held = tables[0].RowsAtStart!.Value + 30 - 3 - 12;
            var xid = await shop.DamageAsync(statement.Split("; "));
            await shop.ExecuteAsync("INSERT INTO users (email) VALUES ('after@example.com')");

            var damage = await shop.FindAsync(WalRange.Of(shop.WalDirectory, await shop.TimelineAsync(), start), tables);

            Assert.NotNull(damage);
            Assert.Equal((xid, Enum.Parse<DamageKind>(kind), "public.orders"), (damage.Xid, damage.Kind, damage.Table.Name));
            Assert.Equal(damage.Kind == DamageKind.Deleted ? held : 0, damage.DeletedRows);
            Assert.True(damage.CommitLsn > acknowledged, $"commit {damage.CommitLsn} is not after the last acknowledged order at {acknowledged}");
        }
    }

    [Theory]
    [InlineData("TRUNCATE orders CASCADE", "Truncated")]
    [InlineData("DELETE FROM orders", "Deleted")]
    public async Task Damage_is_found_from_the_tables_files_as_the_live_catalogue_shows_them_after_it(string statement, string kind)
    {
        var (shop, start, atStart) = await OpenAsync();
        await using (shop)
        {
            await shop.TrafficAsync();
            var xid = await shop.DamageAsync(statement);
            var live = (await shop.TablesAsync()).Select(table => table with { RowsAtStart = atStart.Single(then => then.Name == table.Name).RowsAtStart }).ToList();

            var damage = await shop.FindAsync(WalRange.Of(shop.WalDirectory, await shop.TimelineAsync(), start), live);

            Assert.NotNull(damage);
            Assert.Equal((xid, Enum.Parse<DamageKind>(kind), "public.orders"), (damage.Xid, damage.Kind, damage.Table.Name));
        }
    }

    [Fact]
    public async Task Cancellations_a_clean_up_a_rolled_back_delete_and_a_vacuum_full_are_no_damage()
    {
        var (shop, start, tables) = await OpenAsync();
        await using (shop)
        {
            await shop.TrafficAsync();
            await shop.ExecuteAsync("BEGIN; DELETE FROM orders; TRUNCATE order_items; ROLLBACK");
            await shop.ExecuteAsync("VACUUM FULL orders");
            await shop.ExecuteAsync("CREATE TABLE scratch (id int PRIMARY KEY); INSERT INTO scratch SELECT generate_series(1, 50); TRUNCATE scratch; DROP TABLE scratch");
            await shop.TrafficAsync(orders: 5);

            Assert.Null(await shop.FindAsync(WalRange.Of(shop.WalDirectory, await shop.TimelineAsync(), start), tables));
        }
    }

    [Fact]
    public async Task Damage_after_traffic_across_several_segments_is_found_in_archived_segments_and_the_earliest_damage_wins()
    {
        var (shop, _, tables) = await OpenAsync();
        await using (shop)
        {
            // The segment before the start stays in the directory: the search must begin at the start, not there.
            await shop.SwitchSegmentAsync();
            var start = await shop.PositionAsync();
            var acknowledged = start;
            for (var segment = 0; segment < 3; segment++)
            {
                acknowledged = await shop.TrafficAsync(orders: 10);
                await shop.SwitchSegmentAsync();
            }

            // The DELETE's records span two segments; the DROP after it is damage too, but later.
            var xid = await shop.DamageAsync("DELETE FROM orders WHERE id > 100", "SELECT pg_switch_wal()", "DELETE FROM orders");
            await shop.DamageAsync("DROP TABLE orders CASCADE");
            var last = await shop.SwitchSegmentAsync();
            var timeline = await shop.TimelineAsync();
            var archive = Directory.CreateTempSubdirectory("waldump-archive-");
            try
            {
                // As fetched from an archive: whole segments, older ones too, none past the last closed one.
                foreach (var segment in Directory.GetFiles(shop.WalDirectory).Select(Path.GetFileName).OfType<string>()
                    .Where(name => WalSegment.TryParse(name, out var on, out _) && on == timeline && string.CompareOrdinal(name, last) <= 0))
                {
                    File.Copy(Path.Combine(shop.WalDirectory, segment), Path.Combine(archive.FullName, segment));
                }

                var range = WalRange.Of(archive.FullName, timeline, start);
                var damage = await shop.FindAsync(range, tables);

                Assert.True(WalSegment.Covering(timeline, range.Start, new Lsn(range.End.Value - 1)).Count >= 5, $"{range} spans fewer than 5 segments");
                Assert.Contains(WalSegment.Name(timeline, new Lsn(start.Value - WalSegment.Size)), Directory.GetFiles(archive.FullName).Select(Path.GetFileName));
                Assert.NotNull(damage);
                Assert.Equal((xid, DamageKind.Deleted), (damage.Xid, damage.Kind));
                Assert.True(damage.CommitLsn > acknowledged, $"commit {damage.CommitLsn} is not after the last acknowledged order at {acknowledged}");
            }
            finally
            {
                archive.Delete(recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_search_starting_after_the_damage_finds_nothing()
    {
        var (shop, _, tables) = await OpenAsync();
        await using (shop)
        {
            await shop.DamageAsync("DELETE FROM orders");
            var after = await shop.PositionAsync();
            await shop.TrafficAsync(orders: 5);

            Assert.Null(await shop.FindAsync(WalRange.Of(shop.WalDirectory, await shop.TimelineAsync(), after), tables));
        }
    }

    [Fact]
    public async Task A_segment_pg_waldump_cannot_read_fails_the_search_with_its_error()
    {
        var directory = Directory.CreateTempSubdirectory("waldump-unreadable-");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(directory.FullName, "000000010000000000000003"), new byte[100]);
            var finder = new DamagingTransactionFinder(postgres.Cluster.Binaries);

            var failure = await Assert.ThrowsAsync<WalDumpException>(() =>
                finder.FindAsync(WalRange.Of(directory.FullName, 1, Lsn.Parse("0/3000028")), [], CancellationToken.None));

            Assert.StartsWith($"pg_waldump failed reading {directory.FullName} from 0/3000028: pg_waldump: error:", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private async Task<(WalShop Shop, Lsn Start, IReadOnlyList<PlatformTable> Tables)> OpenAsync()
    {
        var shop = await WalShop.CreateAsync(postgres.Cluster);
        return (shop, await shop.PositionAsync(), await shop.TablesAsync());
    }
}

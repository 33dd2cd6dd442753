using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>The damaging transaction found in segments fetched by name from the pgBackRest archive, as a recovery fetches them.</summary>
public sealed class DamageInArchivedWalTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task A_truncation_is_found_in_the_segments_named_for_its_range_and_fetched_with_archive_get()
    {
        await using var shop = await WalShop.CreateAsync(fixture.Cluster);
        var start = await shop.PositionAsync();
        var tables = await shop.TablesAsync();
        await shop.TrafficAsync();
        await shop.SwitchSegmentAsync();
        var xid = await shop.DamageAsync("TRUNCATE orders CASCADE");
        var end = await shop.PositionAsync();
        await shop.SwitchSegmentAsync();
        var timeline = await shop.TimelineAsync();
        var names = WalSegment.Covering(timeline, start, end);
        Assert.True(names.Count >= 2, $"{string.Join(' ', names)}: the range should span the switch");
        Assert.True(await ArchivedAsync(names[^1]), $"segment {names[^1]} was not archived within a minute");

        var fetched = Directory.CreateTempSubdirectory("waldump-fetched-");
        try
        {
            await ServiceUser.GiveAsync(fetched.FullName, CancellationToken.None);
            foreach (var name in names)
            {
                var get = fixture.PgBackRest.Start("archive-get", []);
                get.ArgumentList.Add(name);
                get.ArgumentList.Add(Path.Combine(fetched.FullName, name));
                var result = await CommandRunner.RunAsync(get);
                Assert.True(result.ExitCode == 0, $"archive-get {name}: {PgBackRest.ErrorOf(result)}");
            }

            var damage = await shop.FindAsync(WalRange.Of(fetched.FullName, timeline, start), tables);

            Assert.NotNull(damage);
            Assert.Equal((xid, DamageKind.Truncated, "public.orders"), (damage.Xid, damage.Kind, damage.Table.Name));
        }
        finally
        {
            fetched.Delete(recursive: true);
        }
    }

    // The asynchronous archive-push takes a closed segment to the repository within seconds; a minute is for a loaded machine.
    private async Task<bool> ArchivedAsync(string segment)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            var archived = (string?)await fixture.ScalarAsync("SELECT last_archived_wal FROM pg_stat_archiver") ?? "";
            if (string.CompareOrdinal(archived, segment) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}

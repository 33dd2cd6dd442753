using Npgsql;
using O4O.Recovery.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

public sealed class WalSegmentTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Theory]
    [InlineData("0/1551A28")]
    [InlineData("0/FFFFFFFF")]
    [InlineData("1/28")]
    [InlineData("2/FF000028")]
    [InlineData("A3/7C001234")]
    public async Task A_segment_is_named_as_postgresql_names_the_segment_holding_the_position(string position)
    {
        // Not on a segment's first byte: pg_walfile_name reads a position as an end, and names the segment before it.
        await using var connection = new NpgsqlConnection(postgres.Cluster.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT pg_walfile_name('{position}'), timeline_id FROM pg_walfile_name('{position}'), pg_control_checkpoint()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.Equal(reader.GetString(0), WalSegment.Name((uint)reader.GetInt32(1), Lsn.Parse(position)));
        Assert.True(WalSegment.TryParse(reader.GetString(0), out var timeline, out var start));
        Assert.Equal(((uint)reader.GetInt32(1), Lsn.Parse(position).Value / WalSegment.Size * WalSegment.Size), (timeline, start.Value));
    }

    [Fact]
    public void A_range_is_covered_by_consecutive_segments_across_the_high_word_of_the_position()
    {
        Assert.Equal(["0000000300000000000000FE", "0000000300000000000000FF", "000000030000000100000000", "000000030000000100000001"],
            WalSegment.Covering(3, Lsn.Parse("0/FE000010"), Lsn.Parse("1/1000000")));
        Assert.Equal(["000000010000000000000007"], WalSegment.Covering(1, Lsn.Parse("0/7008310"), Lsn.Parse("0/7FFFFFF")));
        Assert.Throws<ArgumentException>(() => WalSegment.Covering(1, Lsn.Parse("0/7008310"), Lsn.Parse("0/7000000")));
    }

    [Fact]
    public void The_wal_to_read_runs_from_the_start_to_the_first_missing_segment_and_a_missing_start_is_refused_by_name()
    {
        var directory = Directory.CreateTempSubdirectory("waldump-range-");
        try
        {
            foreach (var name in new[] { "000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
                "000000010000000000000006", "000000020000000000000005", "000000010000000000000005.partial", "00000002.history" })
            {
                File.WriteAllBytes(Path.Combine(directory.FullName, name), []);
            }

            var range = WalRange.Of(directory.FullName, 1, Lsn.Parse("0/3000028"));
            var missing = Assert.Throws<WalDumpException>(() => WalRange.Of(directory.FullName, 1, Lsn.Parse("0/5000028")));

            Assert.Equal((Lsn.Parse("0/3000028"), Lsn.Parse("0/5000000")), (range.Start, range.End));
            Assert.Equal(Lsn.Parse("0/4800000"), WalRange.Of(directory.FullName, 1, Lsn.Parse("0/3000028"), Lsn.Parse("0/4800000")).End);
            Assert.Contains("000000010000000000000005", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Positions_read_as_postgresql_writes_them_and_compare_by_place_in_the_log()
    {
        Assert.Equal("0/1552210", Lsn.Parse("0/01552210").ToString());
        Assert.Equal(0x1_0155_2210UL, Lsn.Parse("1/1552210").Value);
        Assert.True(Lsn.Parse("0/FFFFFFFF") < Lsn.Parse("1/0"));
        Assert.False(Lsn.TryParse("01552210", out _));
        Assert.False(Lsn.TryParse("0/1552210/1", out _));
        Assert.False(Lsn.TryParse("1FFFFFFFF/0", out _));
        Assert.Throws<FormatException>(() => Lsn.Parse("x/1"));
    }
}

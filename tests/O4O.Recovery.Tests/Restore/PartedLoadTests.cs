using O4O.Recovery.Backups;
using O4O.Recovery.Restore;

namespace O4O.Recovery.Tests.Restore;

public sealed class PartedLoadTests
{
    private static DumpPartInfo Part(string section, long bytes, string? table = null) => new(section, 0, bytes / 3, "", bytes, table);

    [Fact]
    public void A_part_of_one_table_holding_more_than_two_thirds_of_the_data_gets_a_connection_per_core_and_every_other_part_one()
    {
        var parts = new[] { Part("pre-data", 10), Part("data", 700, "\"public\".\"events\""), Part("data", 100, "\"public\".\"shops\""), Part("data", 200), Part("post-data", 10) };

        Assert.Equal([1, 2, 1, 1, 1], PartedLoad.ConnectionsPerPart(parts, 2));
    }

    [Fact]
    public void Parts_of_similar_size_a_part_of_many_tables_and_parts_that_do_not_name_their_table_keep_one_connection_each()
    {
        Assert.Equal([1, 1, 1, 1, 1], PartedLoad.ConnectionsPerPart(
            [Part("pre-data", 10), Part("data", 510, "\"public\".\"orders\""), Part("data", 290, "\"public\".\"items\""), Part("data", 200), Part("post-data", 10)], 2));
        Assert.Equal([1, 1, 1, 1], PartedLoad.ConnectionsPerPart([Part("pre-data", 10), Part("data", 10, "\"public\".\"t1\""), Part("data", 990), Part("post-data", 10)], 2));
        Assert.Equal([1, 1, 1, 1], PartedLoad.ConnectionsPerPart([Part("pre-data", 10), Part("data", 990), Part("data", 10), Part("post-data", 10)], 2));
    }
}

using System.Text;
using Npgsql;
using O4O.Recovery.Restore;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Restore;

/// <summary>Loading a part of a dump: when each table is told loaded.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DumpLoaderTests(ManagedPostgresFixture postgres)
{
    private const string Part = """
        SET client_encoding = 'UTF8';
        SET standard_conforming_strings = on;

        --
        -- Data for Name: filled; Type: TABLE DATA; Schema: public; Owner: postgres
        --

        COPY public.filled (id) FROM stdin;
        1
        2
        3
        \.


        --
        -- Data for Name: empty; Type: TABLE DATA; Schema: public; Owner: postgres
        --

        COPY public.empty (id) FROM stdin;
        \.


        --
        -- PostgreSQL database dump complete
        --

        """;

    [Fact]
    public async Task A_part_on_one_connection_tells_each_table_once_its_rows_are_committed_an_empty_one_too()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await PlatformSchema.ScalarAsync(bed.Database, "CREATE TABLE filled (id int); CREATE TABLE empty (id int)");
        var told = new List<(string Table, long CommittedRows)>();
        await using (var loader = new DumpLoader(bed.Server, bed.Server.DatabaseName, 1, tableLoaded: table => told.Add((table, CommittedRows(bed, table)))))
        {
            await loader.LoadPartAsync(new MemoryStream(Encoding.UTF8.GetBytes(Part)), null, CancellationToken.None);
        }

        Assert.Equal([("public.filled", 3L), ("public.empty", 0L)], told);
    }

    /// <summary>Rows another session sees: only committed ones.</summary>
    private static long CommittedRows(BackupTestBed bed, string table)
    {
        using var connection = new NpgsqlConnection(bed.Database + ";Pooling=false");
        connection.Open();
        using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)count.ExecuteScalar()!;
    }
}

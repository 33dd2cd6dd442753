using Npgsql;
using O4O.Recovery.Restore;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Restore;

/// <summary>The post-data schedule: what is built when, and how a failure ends it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostDataTests(ManagedPostgresFixture postgres)
{
    private const string Session = "SET client_min_messages = warning;\n";

    private const string Tables = """
        CREATE TABLE customers (id int NOT NULL, email text NOT NULL);
        CREATE TABLE invoices (id int NOT NULL, customer_id int NOT NULL);
        INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 1000) g;
        INSERT INTO invoices SELECT g, 1 + g % 1000 FROM generate_series(1, 3000) g;
        """;

    /// <summary>The post-data section pg_dump writes for <see cref="Tables"/>.</summary>
    private static readonly string _section = string.Concat(
        Entry("customers customers_pkey", "CONSTRAINT", "ALTER TABLE ONLY public.customers\n    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);"),
        Entry("invoices invoices_pkey", "CONSTRAINT", "ALTER TABLE ONLY public.invoices\n    ADD CONSTRAINT invoices_pkey PRIMARY KEY (id);"),
        Entry("invoices_by_customer", "INDEX", "CREATE INDEX invoices_by_customer ON public.invoices USING btree (customer_id);"),
        Entry("invoices invoices_customer_id_fkey", "FK CONSTRAINT",
            "ALTER TABLE ONLY public.invoices\n    ADD CONSTRAINT invoices_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id);"),
        Entry("customers", "COMMENT", "COMMENT ON TABLE public.customers IS 'built last, through psql';"));

    [Fact]
    public async Task A_tables_indexes_are_built_as_soon_as_its_data_is_in_and_a_key_once_both_its_tables_are_ready()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await PlatformSchema.ScalarAsync(bed.Database, Tables);
        await using var postData = new PostData(bed.Server, bed.Server.DatabaseName, Session, _section, connections: 2, CancellationToken.None);

        postData.TablesLoaded(["public.invoices"]);
        await WaitForAsync(bed, "SELECT count(*) = 2 FROM pg_indexes WHERE tablename = 'invoices'");
        Assert.Equal(0L, await PlatformSchema.ScalarAsync(bed.Database, "SELECT count(*) FROM pg_constraint WHERE conname = 'invoices_customer_id_fkey'"));
        Assert.Equal(0L, await PlatformSchema.ScalarAsync(bed.Database, "SELECT count(*) FROM pg_indexes WHERE tablename = 'customers'"));

        postData.TablesLoaded(["public.customers"]);
        await WaitForAsync(bed, "SELECT bool_and(convalidated) FROM pg_constraint WHERE conname = 'invoices_customer_id_fkey'");
        Assert.IsType<DBNull>(await PlatformSchema.ScalarAsync(bed.Database, "SELECT obj_description('customers'::regclass, 'pg_class')"));

        await postData.CompleteAsync("");

        Assert.Equal("built last, through psql", await PlatformSchema.ScalarAsync(bed.Database, "SELECT obj_description('customers'::regclass, 'pg_class')"));
    }

    [Fact]
    public async Task A_worker_takes_other_work_rather_than_wait_behind_a_primary_key_that_holds_its_table()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await PlatformSchema.ScalarAsync(bed.Database, Tables);
        await using var reader = new NpgsqlConnection(bed.Database + ";Pooling=false");
        await reader.OpenAsync();
        await using var holding = await reader.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE invoices IN ACCESS SHARE MODE", reader, holding).ExecuteNonQueryAsync();
        await using var postData = new PostData(bed.Server, bed.Server.DatabaseName, Session, _section, connections: 2, CancellationToken.None);

        // invoices_pkey now waits for the reader; its index would queue behind it, so the second worker stays free.
        postData.TablesLoaded(["public.invoices"]);
        await WaitForAsync(bed, "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%invoices_pkey%')");
        postData.TablesLoaded(["public.customers"]);
        await WaitForAsync(bed, "SELECT count(*) = 1 FROM pg_indexes WHERE indexname = 'customers_pkey'");
        Assert.Equal(0L, await PlatformSchema.ScalarAsync(bed.Database, "SELECT count(*) FROM pg_indexes WHERE tablename = 'invoices'"));

        await holding.RollbackAsync();
        await postData.CompleteAsync("");

        Assert.Equal(2L, await PlatformSchema.ScalarAsync(bed.Database, "SELECT count(*) FROM pg_indexes WHERE tablename = 'invoices'"));
    }

    [Fact]
    public async Task A_statement_that_fails_ends_the_build_with_the_servers_reason()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await PlatformSchema.ScalarAsync(bed.Database, Tables + "INSERT INTO customers VALUES (1, 'again@example.com');");

        var failure = await Assert.ThrowsAsync<RestoreFailedException>(() =>
            PostData.RunAsync(bed.Server, bed.Server.DatabaseName, Session, _section, connections: 2, CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("could not create unique index \"customers_pkey\"", failure.Message, StringComparison.Ordinal);
        Assert.Null(await PlatformSchema.ScalarAsync(bed.Database, "SELECT conname FROM pg_constraint WHERE conname = 'invoices_customer_id_fkey'"));
    }

    private static string Entry(string name, string type, string sql) => $"--\n-- Name: {name}; Type: {type}; Schema: public; Owner: postgres\n--\n\n{sql}\n\n\n";

    private static async Task WaitForAsync(BackupTestBed bed, string condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await PlatformSchema.ScalarAsync(bed.Database, condition) is not true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {condition}");
            await Task.Delay(20);
        }
    }
}

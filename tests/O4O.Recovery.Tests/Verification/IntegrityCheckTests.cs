using System.Formats.Tar;
using System.IO.Compression;
using O4O.Recovery.Backups;
using O4O.Recovery.Verification;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Verification;

public sealed class IntegrityCheckTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>, IDisposable
{
    private readonly string _backups = Directory.CreateTempSubdirectory("o4o-backups-").FullName;

    [Fact]
    public async Task Counts_equal_to_the_newest_backups_manifest_pass()
    {
        var database = await DatabaseWithRowsAsync(users: 2, products: 3);
        WriteBackup("o4o_backup_20260101_000000.tar.gz", users: 9, products: 9);
        WriteBackup("o4o_backup_20260102_000000.tar.gz", users: 2, products: 3);

        var result = await new IntegrityCheck(database, _backups, TimeProvider.System).RunAsync(default);

        Assert.True(result.Passed, result.Detail);
        Assert.Equal("users 2, products 3, orders 0, order_items 0; none fewer than in o4o_backup_20260102_000000.tar.gz", result.Detail);
        Assert.Equal(3, result.Measurements!["products"]);
    }

    [Fact]
    public async Task Fewer_rows_than_in_the_backup_are_flagged_as_data_loss()
    {
        var database = await DatabaseWithRowsAsync(users: 1, products: 3);
        WriteBackup("o4o_backup_20260102_000000.tar.gz", users: 4, products: 3);

        var result = await new IntegrityCheck(database, _backups, TimeProvider.System).RunAsync(default);

        Assert.False(result.Passed);
        Assert.Equal("DATA LOSS against o4o_backup_20260102_000000.tar.gz: users 1 < 4", result.Detail);
    }

    [Fact]
    public async Task Fewer_order_status_changes_than_in_the_backup_are_flagged_as_data_loss_and_carts_are_not_compared()
    {
        var database = await DatabaseWithRowsAsync(users: 1, products: 1);
        await PlatformSchema.ExecuteAsync(database, """
            CREATE TABLE order_status_history (id bigserial PRIMARY KEY, status text NOT NULL);
            INSERT INTO order_status_history (status) VALUES ('placed');
            CREATE TABLE cart_items (id bigserial PRIMARY KEY);
            """);
        WriteBackup("o4o_backup_20260102_000000.tar.gz", users: 1, products: 1,
            new Dictionary<string, long> { ["public.order_status_history"] = 3, ["public.cart_items"] = 5 });

        var result = await new IntegrityCheck(database, _backups, TimeProvider.System).RunAsync(default);

        Assert.False(result.Passed);
        Assert.Equal("DATA LOSS against o4o_backup_20260102_000000.tar.gz: order_status_history 1 < 3", result.Detail);
        Assert.Equal(1, result.Measurements!["order_status_history"]);
    }

    [Fact]
    public async Task A_deleted_table_fails_the_check_with_the_databases_error()
    {
        var database = await DatabaseWithRowsAsync(users: 1, products: 1);
        await PlatformSchema.ExecuteAsync(database, "DROP TABLE order_items; DROP TABLE orders");

        var result = await new IntegrityCheck(database, _backups, TimeProvider.System).RunAsync(default);

        Assert.False(result.Passed);
        Assert.Contains("relation \"public.orders\" does not exist", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_backup_the_counts_are_shown_and_nothing_is_compared()
    {
        var database = await DatabaseWithRowsAsync(users: 1, products: 0);
        await File.WriteAllTextAsync(Path.Combine(_backups, "o4o_backup_broken.tar.gz"), "not a backup name");

        var result = await new IntegrityCheck(database, _backups, TimeProvider.System).RunAsync(default);

        Assert.True(result.Passed);
        Assert.Equal($"users 1, products 0, orders 0, order_items 0; no backup in {_backups} to compare with", result.Detail);
    }

    [Fact]
    public async Task A_damaged_newest_backup_is_named_and_nothing_is_compared()
    {
        var database = await DatabaseWithRowsAsync(users: 1, products: 0);
        await File.WriteAllTextAsync(Path.Combine(_backups, "o4o_backup_20260103_000000.tar.gz"), "not a tar.gz");

        var result = await new IntegrityCheck(database, _backups, TimeProvider.System).RunAsync(default);

        Assert.True(result.Passed);
        Assert.StartsWith("users 1, products 0, orders 0, order_items 0; the newest backup cannot be compared with:", result.Detail, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_backups, recursive: true);

    private async Task<string> DatabaseWithRowsAsync(int users, int products)
    {
        var database = await postgres.CreateDatabaseAsync("integrity");
        await PlatformSchema.CreateAsync(database);
        await PlatformSchema.ExecuteAsync(database, $"""
            INSERT INTO users (email, password_hash) SELECT 'u' || i || '@o4o.local', 'x' FROM generate_series(1, {users}) i;
            INSERT INTO products (sku, name, price, stock) SELECT 'SKU-' || i, 'P' || i, 1, 1 FROM generate_series(1, {products}) i;
            """);
        return database;
    }

    /// <summary>An archive in the backup feature's format whose manifest records these row counts (the dump itself is not needed here).</summary>
    private void WriteBackup(string name, long users, long products, Dictionary<string, long>? others = null)
    {
        var counts = new Dictionary<string, long>(others ?? []) { ["public.users"] = users, ["public.products"] = products, ["public.orders"] = 0 };
        var manifest = new BackupManifest(BackupManifest.CurrentFormat, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), "pg_dump 15", "15", "o4o_platform",
            counts,
            [new ManifestMember("db/o4o_db.sql.gz", 3, "00")], null, null);
        using var file = File.Create(Path.Combine(_backups, name));
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, ArchiveName.ManifestMember) { DataStream = new MemoryStream(manifest.ToJson()) });
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "db/o4o_db.sql.gz") { DataStream = new MemoryStream([1, 2, 3]) });
    }
}

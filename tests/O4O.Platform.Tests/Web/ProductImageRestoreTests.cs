using System.Net;
using System.Security.Cryptography;
using ImageMagick;
using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

/// <summary>A product picture is one of the platform's files: in every backup, and back with a full restore.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ProductImageRestoreTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task An_uploaded_picture_is_in_the_backup_and_a_full_restore_brings_it_back_with_the_product_naming_it()
    {
        // A short database name: the restore keeps the replaced one as <name>_broken_<timestamp>, within 63 bytes.
        var database = await postgres.CreateDatabaseAsync("p");
        await using var platform = new PlatformFactory(database);
        var id = await platform.CreateProductAsync(stock: 2);
        using (var admin = await ConsoleSession.SignedInAdminAsync(platform))
        {
            var uploaded = await admin.PostFileAsync($"/admin/products/{id}", $"/admin/products/{id}/image", "image", "kettle.jpg",
                ProductImageTests.Picture(MagickFormat.Jpeg, 1600, 1600), "image/jpeg");
            Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        }

        var uploads = Path.Combine(platform.Home, "uploads");
        var pictures = Hashes(uploads);
        var home = new O4OHome(platform.Home);
        var server = new ResolvedDatabaseServer(postgres.Cluster.ConnectionString(), new NpgsqlConnectionStringBuilder(database).Database!, PostgresBinaries.Locate());
        var backups = Directory.CreateDirectory(Path.Combine(platform.Home, "backups")).FullName;
        var catalogue = new BackupCatalogue(home.StateDatabase, backups);
        var backup = await new BackupCreator(home, backups, server, TimeProvider.System).CreateAsync(false, catalogue.KnownHash, null, CancellationToken.None);
        catalogue.Record(backup);

        Directory.Delete(uploads, recursive: true);
        await platform.ScalarAsync($"UPDATE products SET image = NULL WHERE id = {id}");
        var outcome = await new DatabaseRestore(home, server, catalogue, TimeProvider.System)
            .RestoreAsync(backup.ArchivePath, databaseOnly: false, _ => true, null, CancellationToken.None);
        NpgsqlConnection.ClearAllPools();

        Assert.Equal(2, pictures.Count);
        Assert.All(pictures.Keys, file => Assert.Contains(backup.Manifest.Members, member => member.Path == $"files/uploads/{file}"));
        Assert.True(outcome.Swapped);
        Assert.Equal(pictures, Hashes(uploads));
        Assert.Equal(1, await platform.ScalarAsync($"SELECT count(*) FROM products WHERE id = {id} AND image IS NOT NULL"));
        using var client = platform.CreateClient();
        var page = await PageAfterTheSwapAsync(client, $"/products/{id}");
        var large = pictures.Keys.Single(file => file.EndsWith("-large.webp", StringComparison.Ordinal));
        Assert.Contains($"src=\"/images/{large}\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/images/{large}")).StatusCode);
    }

    /// <summary>
    /// The page once the platform has let go of the connections the swap ended: their first use fails (a 503, as
    /// while any restore runs) and the pool opens new ones.
    /// </summary>
    private static async Task<string> PageAfterTheSwapAsync(HttpClient client, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 20)
            {
                return await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Every file under <paramref name="directory"/> by its path there, with its SHA-256.</summary>
    private static Dictionary<string, string> Hashes(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).ToDictionary(
            file => Path.GetRelativePath(directory, file).Replace('\\', '/'),
            file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))));
}

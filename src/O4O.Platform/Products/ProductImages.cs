using System.Security.Cryptography;
using Dapper;
using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Platform.Products;

/// <summary>
/// Product pictures as files under <c>$O4O_HOME/uploads/products/{id}/</c>, so every backup carries them and a full
/// restore brings them back. Their names are made here (a random token per upload, so a URL never changes content
/// and can be cached for good); <c>products.image</c> names the current one.
/// </summary>
internal sealed class ProductImages(O4OHome home, NpgsqlDataSource dataSource, ILogger<ProductImages> logger)
{
    public const string Large = "large";
    public const string Thumbnail = "thumb";

    /// <summary>The route's file name: a token and a size, nothing a client could turn into another path.</summary>
    public const string FilePattern = "^[0-9a-f]{{32}}-(large|thumb)\\.webp$";

    public static string Url(long productId, string image, string size) => $"/images/products/{productId}/{image}-{size}.webp";

    public string Directory(long productId) => Path.Combine(home.Root, "uploads", "products", productId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Resizes and stores <paramref name="upload"/> as the product's picture; the one it replaces is removed.</summary>
    /// <returns>The outcome, and null for a product that does not exist.</returns>
    public async Task<ImageOutcome?> SaveAsync(long productId, byte[] upload, CancellationToken cancellationToken)
    {
        var outcome = ImageResizer.Resize(upload, out var images);
        if (outcome != ImageOutcome.Resized)
        {
            return outcome;
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var directory = Directory(productId);
        // Each file is written private under a temporary name, synced and renamed: a crash leaves no half picture.
        AtomicFile.WriteAllBytes(Path.Combine(directory, FileName(token, Large)), images.Large);
        AtomicFile.WriteAllBytes(Path.Combine(directory, FileName(token, Thumbnail)), images.Thumbnail);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var previous = (await connection.QueryAsync<string?>(new CommandDefinition(
            """
            UPDATE products p SET image = @token, updated_at = now()
            FROM (SELECT id, image FROM products WHERE id = @productId FOR UPDATE) old
            WHERE p.id = old.id RETURNING old.image
            """,
            new { productId, token }, cancellationToken: cancellationToken))).AsList();
        if (previous.Count == 0)
        {
            Remove(directory, token);
            return null;
        }

        if (previous[0] is { } replaced)
        {
            Remove(directory, replaced);
        }

        return ImageOutcome.Resized;
    }

    /// <summary>The file behind a URL made by <see cref="Url"/>, or null when there is none.</summary>
    public string? Find(long productId, string file)
    {
        var path = Path.Combine(Directory(productId), file);
        return File.Exists(path) ? path : null;
    }

    private static string FileName(string token, string size) => $"{token}-{size}.webp";

    private void Remove(string directory, string token)
    {
        foreach (var size in new[] { Large, Thumbnail })
        {
            try
            {
                File.Delete(Path.Combine(directory, FileName(token, size)));
            }
            catch (IOException exception)
            {
                // A leftover file wastes space but serves nothing: the database no longer names it.
                logger.LogWarning(exception, "Could not remove the replaced picture {Token} in {Directory}", token, directory);
            }
        }
    }
}

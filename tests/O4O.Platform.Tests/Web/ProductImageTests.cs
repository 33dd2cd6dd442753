using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using ImageMagick;
using ImageMagick.Drawing;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class ProductImageTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task An_uploaded_picture_is_resized_stored_privately_under_the_home_and_served_with_cache_headers()
    {
        var id = await Platform.CreateProductAsync(stock: 4);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.PostFileAsync($"/admin/products/{id}", $"/admin/products/{id}/image", "image", "../../etc/passwd.png", Picture(MagickFormat.Png, 2400, 1200), "image/png");
        var card = await admin.Client.GetStringAsync("/?q=Test+product");
        var page = await admin.Client.GetStringAsync($"/products/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var files = Directory.GetFiles(Path.Combine(Platform.Home, "uploads", "products", $"{id}")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(2, files.Count);
        Assert.All(files, file => Assert.Matches("^[0-9a-f]{32}-(large|thumb)\\.webp$", file));
        Assert.All(files, file => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(Path.Combine(Platform.Home, "uploads", "products", $"{id}", file!))));
        var large = $"/images/products/{id}/{files[0]}";
        var thumbnail = $"/images/products/{id}/{files[1]}";
        Assert.Contains($"<img class=\"thumb\" src=\"{thumbnail}\" alt=\"Test product\"", card, StringComparison.Ordinal);
        Assert.Contains($"<img class=\"thumb large\" src=\"{large}\" alt=\"Test product\"", page, StringComparison.Ordinal);

        var served = await admin.Client.GetAsync(large);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/webp", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", served.Headers.CacheControl!.ToString());
        using var resized = new MagickImage(await served.Content.ReadAsByteArrayAsync());
        Assert.Equal((1200u, 600u), (resized.Width, resized.Height));
        using var small = new MagickImage(await admin.Client.GetByteArrayAsync(thumbnail));
        Assert.Equal((400u, 200u), (small.Width, small.Height));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync($"/images/products/{id}/{new string('0', 32)}-large.webp")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Client.GetAsync($"/images/products/{id}/..%2F..%2Fo4o.json")).StatusCode);
    }

    [Fact]
    public async Task A_new_picture_replaces_the_old_one_and_its_files()
    {
        var id = await Platform.CreateProductAsync(stock: 4);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var directory = Path.Combine(Platform.Home, "uploads", "products", $"{id}");

        await admin.PostFileAsync($"/admin/products/{id}", $"/admin/products/{id}/image", "image", "a.jpg", Picture(MagickFormat.Jpeg, 300, 300), "image/jpeg");
        var first = Directory.GetFiles(directory);
        var second = await admin.PostFileAsync($"/admin/products/{id}", $"/admin/products/{id}/image", "image", "b.webp", Picture(MagickFormat.WebP, 500, 250), "image/webp");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, Directory.GetFiles(directory).Length);
        Assert.All(first, file => Assert.False(File.Exists(file)));
    }

    [Fact]
    public async Task A_file_that_is_not_a_picture_is_refused_whatever_its_name_and_type_say()
    {
        var id = await Platform.CreateProductAsync(stock: 4);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"u8.ToArray();
        var gif = Picture(MagickFormat.Gif, 10, 10);

        var asJpeg = await admin.PostFileAsync($"/admin/products/{id}", $"/admin/products/{id}/image", "image", "photo.jpg", svg, "image/jpeg");
        var asPng = await admin.PostFileAsync($"/admin/products/{id}", $"/admin/products/{id}/image", "image", "photo.png", gif, "image/png");

        Assert.Equal(HttpStatusCode.BadRequest, asJpeg.StatusCode);
        Assert.Contains("The file is not a JPEG, PNG or WebP image.", await asJpeg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, asPng.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(Platform.Home, "uploads", "products", $"{id}")));
        Assert.Equal(0, await Platform.ScalarAsync($"SELECT count(*) FROM products WHERE id = {id} AND image IS NOT NULL"));
    }

    [Fact]
    public async Task A_small_file_that_claims_a_huge_picture_is_refused_before_it_is_decoded()
    {
        var id = await Platform.CreateProductAsync(stock: 4);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var bomb = WithPngSize(Picture(MagickFormat.Png, 16, 16), 100_000, 100_000);

        var response = await admin.PostFileAsync($"/admin/products/{id}", $"/admin/products/{id}/image", "image", "bomb.png", bomb, "image/png");

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The image is too big: at most 50 megapixels", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_over_10_MB_is_refused_with_the_limit_and_one_over_the_request_limit_is_a_413()
    {
        var id = await Platform.CreateProductAsync(stock: 4);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var big = new byte[(10 * 1024 * 1024) + 1];
        big[0] = 0xFF;
        big[1] = 0xD8;
        big[2] = 0xFF;

        var tooLarge = await admin.PostFileAsync($"/admin/products/{id}", $"/admin/products/{id}/image", "image", "big.jpg", big, "image/jpeg");
        var huge = await admin.PostFileAsync($"/admin/products/{id}", $"/admin/products/{id}/image", "image", "huge.jpg", new byte[20 * 1024 * 1024], "image/jpeg");

        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Contains("The file is larger than 10 MB.", await tooLarge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
    }

    [Fact]
    public async Task An_upload_without_the_antiforgery_token_stores_nothing()
    {
        var id = await Platform.CreateProductAsync(stock: 4);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Picture(MagickFormat.Png, 10, 10)), "image", "a.png" } };

        var forged = await admin.Client.PostAsync($"/admin/products/{id}/image", form);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(Platform.Home, "uploads", "products", $"{id}")));
    }

    public static byte[] Picture(MagickFormat format, uint width, uint height)
    {
        using var image = new MagickImage(MagickColors.SteelBlue, width, height);
        image.Draw(new Drawables().FillColor(MagickColors.Orange).Circle(width / 2.0, height / 2.0, width / 2.0, height / 4.0));
        return image.ToByteArray(format);
    }

    /// <summary>The PNG with its header's width and height replaced (and the header's checksum made right again).</summary>
    private static byte[] WithPngSize(byte[] png, uint width, uint height)
    {
        // 8 bytes signature, then the IHDR chunk: length (4), type (4), width (4), height (4), ... and its CRC after 13 data bytes.
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32.HashToUInt32(png.AsSpan(12, 17)));
        return png;
    }
}

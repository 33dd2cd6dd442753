using ImageMagick;

namespace O4O.Platform.Products;

/// <summary>
/// Turns an uploaded picture into the two the shop serves, WebP at most 1200 and 400 px on the longer edge, without its
/// metadata (a phone photo's EXIF carries where it was taken). The format is read from the bytes, never from a name,
/// and the dimensions from the header before a pixel is decoded, so a small file that unpacks to gigabytes is refused.
/// </summary>
internal static class ImageResizer
{
    public const long MaxBytes = 10 * 1024 * 1024;
    public const int MaxEdge = 12_000;
    public const long MaxPixels = 50_000_000;
    public const int LargeEdge = 1200;
    public const int ThumbnailEdge = 400;

    static ImageResizer()
    {
        // A second fence behind the header check: ImageMagick itself refuses to hold more pixels. (Its width and
        // height limits are not set: they make libpng fail the header with a coder error, not a size one.)
        ResourceLimits.Area = (ulong)MaxPixels * 4;
    }

    /// <summary>The sniffed format of <paramref name="bytes"/>: JPEG, PNG or WebP, else null.</summary>
    public static MagickFormat? Sniff(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xD8, 0xFF, ..] => MagickFormat.Jpeg,
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => MagickFormat.Png,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => MagickFormat.WebP,
        _ => null,
    };

    public static ImageOutcome Resize(byte[] upload, out (byte[] Large, byte[] Thumbnail) images)
    {
        images = default;
        if (upload.LongLength > MaxBytes)
        {
            return ImageOutcome.TooLarge;
        }

        if (Sniff(upload) is not { } format)
        {
            return ImageOutcome.NotAnImage;
        }

        var settings = new MagickReadSettings { Format = format };
        try
        {
            if (!WithinBounds(upload, settings))
            {
                return ImageOutcome.TooManyPixels;
            }

            using var image = new MagickImage(upload, settings);
            image.AutoOrient();
            image.Strip();
            images = (Encode(image, LargeEdge), Encode(image, ThumbnailEdge));
            return ImageOutcome.Resized;
        }
        catch (MagickException)
        {
            return ImageOutcome.NotAnImage;
        }
    }

    /// <summary>Reads the header only (a ping): the size a picture claims, before any pixel is unpacked.</summary>
    private static bool WithinBounds(byte[] upload, MagickReadSettings settings)
    {
        var info = new MagickImageInfo(upload, settings);
        return info.Width is > 0 and <= MaxEdge && info.Height is > 0 and <= MaxEdge && (long)info.Width * info.Height <= MaxPixels;
    }

    private static byte[] Encode(MagickImage source, uint edge)
    {
        using var image = source.Clone();
        // '>' only shrinks: a small picture keeps its size rather than be blown up blurred.
        image.Resize(new MagickGeometry(edge, edge) { Greater = true });
        image.Quality = 82;
        return image.ToByteArray(MagickFormat.WebP);
    }
}

internal enum ImageOutcome
{
    Resized,
    TooLarge,
    NotAnImage,
    TooManyPixels,
}

using System.Text.RegularExpressions;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Offsite;

/// <summary>
/// Where a bare-machine restore reads from, <c>s3://BUCKET/PREFIX</c>: the bucket and the prefix the lost machine's
/// <c>Offsite:Bucket</c> and <c>Offsite:Prefix</c> named. Only what S3 itself accepts as a bucket name, and a prefix of plain
/// segments (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>; never <c>.</c> or <c>..</c>), so that no key built from it leaves it.
/// </summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Prefix">The prefix, without slashes around it; empty for the bucket's root.</param>
public sealed partial record OffsiteSource(string Bucket, string Prefix)
{
    private const string Scheme = "s3://";

    /// <summary>Reads <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">It is not an <c>s3://BUCKET/PREFIX</c> this restore reads from; the message says why.</exception>
    public static OffsiteSource Parse(string text)
    {
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}' is not an s3://BUCKET/PREFIX address.");
        }

        var rest = text[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].TrimEnd('/');
        if (!BucketName().IsMatch(bucket) || bucket.Contains("..", StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}' does not name a bucket: 3 to 63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit.");
        }

        if (prefix.Length > 0 && prefix.Split('/').Any(segment => segment is "" or "." or ".." || !PrefixSegment().IsMatch(segment)))
        {
            throw new FormatException($"'{text}' has a prefix that is not plain names (letters, digits, '.', '_' or '-') between single slashes, without '.' or '..'.");
        }

        return new OffsiteSource(bucket, prefix);
    }

    /// <summary><paramref name="options"/> (the endpoint, region, credentials and CA from the configuration) pointed at this bucket and prefix.</summary>
    public OffsiteOptions Apply(OffsiteOptions options) => new()
    {
        Endpoint = options.Endpoint,
        Region = options.Region,
        AccessKeyId = options.AccessKeyId,
        SecretAccessKey = options.SecretAccessKey,
        CaFile = options.CaFile,
        LockDays = options.LockDays,
        Bucket = Bucket,
        Prefix = Prefix,
    };

    /// <inheritdoc />
    public override string ToString() => Prefix.Length == 0 ? $"{Scheme}{Bucket}" : $"{Scheme}{Bucket}/{Prefix}";

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixSegment();
}

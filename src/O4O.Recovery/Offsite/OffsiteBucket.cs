using System.Globalization;
using System.Net.Security;
using Amazon.Runtime;
using Amazon.S3;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Offsite;

/// <summary>
/// The off-site bucket as the AWS SDK reaches it: path-style, signed for <see cref="OffsiteOptions.Region"/>, with the
/// credentials from the configuration or <c>secrets/</c> (<see cref="OffsiteSecrets"/>), over TLS that trusts
/// <see cref="OffsiteOptions.CaFile"/> when one is given. Checksums only where S3 requires them: the parts carry their
/// own Content-MD5, which S3-compatible servers check, where the SDK's newer trailing checksums are not understood by all.
/// </summary>
public sealed class OffsiteBucket : IDisposable
{
    /// <summary>What a sealed copy's key adds to its archive's name.</summary>
    public const string SealedSuffix = ".sealed";

    private OffsiteBucket(AmazonS3Client client, OffsiteOptions options)
    {
        Client = client;
        Name = options.Bucket!;
        Prefix = options.NormalizedPrefix;
        // The SDK reports a request that timed out as a TimeoutException saying only "A task was canceled.".
        Unanswered = string.Create(CultureInfo.InvariantCulture,
            $"{options.EndpointUri.Authority} did not answer within {OffsiteOptions.Section}:{nameof(OffsiteOptions.Timeout)} ({options.Timeout.TotalSeconds:0} s), three times");
    }

    /// <summary>The SDK's client.</summary>
    public AmazonS3Client Client { get; }

    /// <summary>What a request the endpoint did not answer within <see cref="OffsiteOptions.Timeout"/> means, in words.</summary>
    public string Unanswered { get; }

    /// <summary>The bucket's name.</summary>
    public string Name { get; }

    /// <summary>The key prefix of this shop's copies, without slashes around it.</summary>
    public string Prefix { get; }

    /// <summary>The key prefix under which the sealed archives are, ending with a slash.</summary>
    public string ArchivesFolder => (Prefix.Length > 0 ? Prefix + "/" : "") + "archives/";

    /// <summary>The object key of <paramref name="archive"/>'s sealed copy.</summary>
    public string ArchiveKey(string archive) => ArchivesFolder + archive + SealedSuffix;

    /// <summary>Where <paramref name="key"/> is, as an operator would write it.</summary>
    public string Address(string key) => $"s3://{Name}/{key}";

    /// <summary>The bucket of <paramref name="options"/> (which must be enabled).</summary>
    /// <exception cref="OffsiteException">No credentials, neither configured nor in <c>secrets/</c>.</exception>
    public static OffsiteBucket Open(O4OHome home, OffsiteOptions options)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = options.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // An unreachable bucket is reported and retried by the caller's schedule, not waited out here.
            MaxErrorRetry = 2,
            Timeout = options.Timeout,
        };
        if (options.CaFile is { Length: > 0 } caFile)
        {
            config.HttpClientFactory = new PrivateCaHttpClientFactory(caFile);
        }

        var credentials = new BasicAWSCredentials(
            Credential(options.AccessKeyId, OffsiteSecrets.AccessKeyIdFile(home), nameof(options.AccessKeyId)),
            Credential(options.SecretAccessKey, OffsiteSecrets.SecretAccessKeyFile(home), nameof(options.SecretAccessKey)));
        return new OffsiteBucket(new AmazonS3Client(credentials, config), options);
    }

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();

    private static string Credential(string? configured, string file, string setting) =>
        configured is { Length: > 0 } ? configured.Trim()
        : File.Exists(file) ? File.ReadAllText(file).Trim()
        : throw new OffsiteException($"{OffsiteOptions.Section}:{setting} is not set and {file} does not exist: the off-site bucket needs its credentials.");

    /// <summary>Trusts the endpoint's certificate only when it chains to the configured CA (a private endpoint's own).</summary>
    private sealed class PrivateCaHttpClientFactory(string caFile) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            var policy = OffsiteEndpoint.ChainPolicy(caFile);
            var timeout = clientConfig.Timeout ?? TimeSpan.FromMinutes(2);
            var handler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy }, ConnectTimeout = timeout };
            return new HttpClient(handler) { Timeout = timeout };
        }
    }
}

/// <summary>The off-site bucket cannot be used as configured, or a copy in it is not what was recorded.</summary>
public sealed class OffsiteException(string message, Exception? inner = null) : Exception(message, inner);

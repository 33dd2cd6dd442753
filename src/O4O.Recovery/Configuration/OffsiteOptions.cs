using System.ComponentModel.DataAnnotations;

namespace O4O.Recovery.Configuration;

/// <summary>
/// The <c>Offsite</c> section: an S3-compatible bucket (path-style addressing) that every backup also goes to, so that
/// the loss of the machine or ransomware on it does not take the backups too. Off unless <see cref="Endpoint"/> is set.
/// The credentials come from here or from <c>secrets/offsite-access-key-id</c> and <c>secrets/offsite-secret-access-key</c>.
/// </summary>
public sealed class OffsiteOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Offsite";

    /// <summary>The S3 endpoint, <c>https://host:port</c>; unset, nothing goes off-site.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The bucket.</summary>
    public string? Bucket { get; set; }

    /// <summary>The key prefix under which this shop's copies are kept (default <c>o4o</c>), so one bucket can hold several.</summary>
    public string Prefix { get; set; } = "o4o";

    /// <summary>The region the request signatures name (default <c>us-east-1</c>, what most S3-compatible servers accept).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Region { get; set; } = "us-east-1";

    /// <summary>The access key id; unset, read from <c>secrets/offsite-access-key-id</c>.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key; unset, read from <c>secrets/offsite-secret-access-key</c>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>A CA certificate (PEM) that the endpoint's certificate chains to, for a private endpoint; unset, the system's.</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// When the bucket has S3 Object Lock, how many days each archive's copy is kept in compliance mode from its upload:
    /// nobody with the credentials, ransomware included, can delete or overwrite it before then (default 30).
    /// </summary>
    [Range(1, 36500)]
    public int LockDays { get; set; } = 30;

    /// <summary>
    /// How far the off-site copies may trail before an incident is opened (default 15 min): the age of the oldest archive not
    /// uploaded or WAL segment not shipped, which is what the loss of the machine would take with it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan LagThreshold { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long one request to the bucket (its connection, TLS handshake, a part sent and the answer) may take before it fails
    /// (default 2 min; each request is tried three times): an endpoint that takes connections and never answers fails the
    /// upload after that instead of holding it. It must cover a part (<see cref="PartSizeMiB"/>) at a quarter of the uplink's
    /// speed (four at once).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The MiB per part of an archive's multipart upload (default 16: few requests for a big archive, and S3's 10,000 parts
    /// reach 160 GB); at least 5, the smallest part S3 takes but for the last. An interrupted upload resumes with the part size
    /// it began with. Smaller parts lose less to an interruption on a slow uplink.
    /// </summary>
    [Range(5, 5120)]
    public int PartSizeMiB { get; set; } = 16;

    /// <summary><see cref="PartSizeMiB"/> in bytes.</summary>
    public long PartSize => PartSizeMiB * (1L << 20);

    /// <summary>True when an endpoint is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>The endpoint, parsed (only when <see cref="Enabled"/> and valid).</summary>
    public Uri EndpointUri => new(Endpoint!, UriKind.Absolute);

    /// <summary>The prefix without surrounding slashes; empty for the bucket's root.</summary>
    public string NormalizedPrefix => Prefix.Trim('/');

    /// <summary>Checks the settings as the conductor's start does, for a command that reads them without one.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names each by its key.</exception>
    public void ThrowIfInvalid()
    {
        if (new SectionValidation<OffsiteOptions>(Section).Validate(null, this) is { Failed: true } invalid)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(Section, typeof(OffsiteOptions), invalid.Failures);
        }
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps
            || endpoint.AbsolutePath != "/" || !string.IsNullOrEmpty(endpoint.Query))
        {
            yield return new ValidationResult(
                $"'{Endpoint}' is not an https:// endpoint: off-site copies travel only over TLS; give https://host:port (no path).",
                [nameof(Endpoint)]);
        }

        if (string.IsNullOrWhiteSpace(Bucket))
        {
            yield return new ValidationResult("the bucket is missing: an off-site endpoint needs the bucket its copies go to.", [nameof(Bucket)]);
        }

        if (CaFile is { Length: > 0 } && !File.Exists(CaFile))
        {
            yield return new ValidationResult($"the CA certificate {CaFile} does not exist.", [nameof(CaFile)]);
        }
    }
}

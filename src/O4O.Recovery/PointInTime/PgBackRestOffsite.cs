using System.Globalization;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// pgBackRest's second repository, the off-site bucket: path-style S3 over TLS, under <c>PREFIX/pgbackrest</c>, encrypted
/// with <c>aes-256-cbc</c> before anything leaves the machine (the passphrase and the S3 keys come in the environment, see
/// <see cref="Offsite.OffsiteSecrets"/>). It has a configuration of its own (<see cref="PgBackRest.Offsite"/>): the live
/// cluster archives to the local repository only, and <see cref="OffsiteWalShipping"/> copies the archived segments here;
/// a backup goes to one repository per command, so the schedule backs up to the local one, then to this one.
/// </summary>
internal static class PgBackRestOffsite
{
    /// <summary>The local repository's number.</summary>
    public const int Local = 1;

    /// <summary>The off-site repository's number.</summary>
    public const int Remote = 2;

    /// <summary>The option that points a command at <paramref name="repository"/>.</summary>
    public static string RepositoryOption(int repository) => $"--repo={repository.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The <c>[global]</c> settings of the second repository; none when <paramref name="offsite"/> is not enabled.</summary>
    public static IEnumerable<string> RepositorySettings(OffsiteOptions offsite, ArchivingOptions archiving)
    {
        if (!offsite.Enabled)
        {
            yield break;
        }

        var endpoint = offsite.EndpointUri;
        yield return "repo2-type=s3";
        yield return "repo2-s3-uri-style=path";
        // pgBackRest matches the certificate against this name: a host name the certificate lists, never an IP address.
        yield return $"repo2-s3-endpoint={endpoint.Host}";
        yield return $"repo2-storage-port={endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
        yield return $"repo2-s3-region={offsite.Region}";
        yield return $"repo2-s3-bucket={offsite.Bucket}";
        yield return $"repo2-path=/{string.Join('/', new[] { offsite.NormalizedPrefix, "pgbackrest" }.Where(part => part.Length > 0))}";
        if (offsite.CaFile is { Length: > 0 } caFile)
        {
            yield return $"repo2-storage-ca-file={Path.GetFullPath(caFile)}";
        }

        yield return "repo2-cipher-type=aes-256-cbc";
        yield return $"repo2-retention-full={archiving.KeepFull.ToString(CultureInfo.InvariantCulture)}";
    }
}

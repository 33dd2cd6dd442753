using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Offsite;

/// <summary>
/// The off-site repository's secrets in <c>secrets/</c> (0600): the S3 credentials, and pgBackRest's passphrase for the
/// off-site repository's cipher, which lives in the archive key ring (<see cref="ArchiveKeyStore"/>) so that the one key file
/// an operator exports opens every off-site copy. Every pgBackRest process needs them (PostgreSQL's archive command and a restore's too,
/// with no configuration at hand), so they are kept in the home and handed over in the environment, never in
/// <c>pgbackrest.conf</c> nor on a command line.
/// </summary>
internal static class OffsiteSecrets
{
    /// <summary>The S3 access key id.</summary>
    public static string AccessKeyIdFile(O4OHome home) => Path.Combine(home.Secrets, "offsite-access-key-id");

    /// <summary>The S3 secret access key.</summary>
    public static string SecretAccessKeyFile(O4OHome home) => Path.Combine(home.Secrets, "offsite-secret-access-key");

    /// <summary>
    /// Makes the secrets an off-site repository needs: keeps credentials given in <paramref name="options"/> in their files
    /// (for the processes that have no configuration), and the key ring with the passphrase once.
    /// </summary>
    /// <exception cref="ClusterStartException">No credentials, neither configured nor in <c>secrets/</c>: the managed cluster cannot archive as configured.</exception>
    public static void Prepare(O4OHome home, OffsiteOptions options)
    {
        Keep(AccessKeyIdFile(home), options.AccessKeyId, nameof(options.AccessKeyId));
        Keep(SecretAccessKeyFile(home), options.SecretAccessKey, nameof(options.SecretAccessKey));
        ArchiveKeyStore.LoadOrCreate(home, TimeProvider.System);
    }

    /// <summary>pgBackRest's environment for its second (off-site) repository: what of the secrets exists.</summary>
    public static IReadOnlyDictionary<string, string> PgBackRestEnvironment(O4OHome home)
    {
        var environment = new Dictionary<string, string>();
        foreach (var (variable, file) in new[]
        {
            ("PGBACKREST_REPO2_S3_KEY", AccessKeyIdFile(home)),
            ("PGBACKREST_REPO2_S3_KEY_SECRET", SecretAccessKeyFile(home)),
        })
        {
            if (File.Exists(file))
            {
                environment[variable] = File.ReadAllText(file).Trim();
            }
        }

        if (ArchiveKeyStore.Load(home)?.RepositoryPassphrase is { } passphrase)
        {
            environment["PGBACKREST_REPO2_CIPHER_PASS"] = passphrase;
        }

        return environment;
    }

    private static void Keep(string file, string? configured, string setting)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!File.Exists(file) || File.ReadAllText(file).Trim() != configured.Trim())
            {
                PrivateFiles.CreateDirectory(Path.GetDirectoryName(file)!);
                AtomicFile.WriteAllText(file, configured.Trim());
            }
        }
        else if (!File.Exists(file))
        {
            throw new ClusterStartException(
                $"{OffsiteOptions.Section}:{setting} is not set and {file} does not exist: the off-site bucket needs its credentials "
                + $"(set {O4OConfiguration.EnvironmentPrefix}{OffsiteOptions.Section}__{setting} or write the file, 0600).");
        }
    }
}

using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;

namespace O4O.Tests.Shared;

/// <summary>The off-site settings that reach this server, and an upload done the way the conductor does it.</summary>
public sealed partial class S3ServerFixture
{
    /// <summary>Options for this server's bucket under <paramref name="prefix"/>: each test its own prefix in the one bucket.</summary>
    internal OffsiteOptions Options(string prefix) => new()
    {
        Endpoint = Endpoint,
        Bucket = Bucket,
        Prefix = prefix,
        AccessKeyId = AccessKeyId,
        SecretAccessKey = SecretAccessKey,
        CaFile = CaFile,
    };

    /// <summary>
    /// The same as configuration keys (<c>Offsite:Endpoint</c>, …) for a command's settings; in the environment each key
    /// is <c>O4O__</c> followed by the key with <c>__</c> for <c>:</c>.
    /// </summary>
    internal Dictionary<string, string> Settings(string prefix) => new()
    {
        ["Offsite:Endpoint"] = Endpoint,
        ["Offsite:Bucket"] = Bucket,
        ["Offsite:Prefix"] = prefix,
        ["Offsite:AccessKeyId"] = AccessKeyId,
        ["Offsite:SecretAccessKey"] = SecretAccessKey,
        ["Offsite:CaFile"] = CaFile,
    };

    /// <summary>Uploads <paramref name="archive"/> of <paramref name="home"/> under <paramref name="prefix"/> as the conductor's off-site job does for each new archive.</summary>
    internal async Task<OffsiteCopy> UploadAsConductorAsync(O4OHome home, string prefix, string archive)
    {
        var options = Options(prefix);
        using var bucket = OffsiteBucket.Open(home, options);
        return await new ArchiveUpload(home, bucket, new OffsiteCopies(home.StateDatabase), options, TimeProvider.System)
            .UploadAsync(archive, CancellationToken.None);
    }
}

using O4O.Recovery.Backups;

namespace O4O.Recovery.Offsite;

/// <summary>
/// An off-site copy brought down, decrypted and verified by <see cref="OffsiteVerifier.FetchAsync"/> into its own scratch
/// directory under <c>offsite-staging/</c>; disposing removes the directory and all it holds.
/// </summary>
public sealed class FetchedArchive : IDisposable
{
    private readonly string _scratch;

    internal FetchedArchive(string scratch, string archive) => (_scratch, Archive) = (scratch, archive);

    /// <summary>The decrypted archive's path; restore it only when <see cref="Result"/> passed.</summary>
    public string Archive { get; }

    /// <summary>The verification of the copy: download, SHA-256, decryption, the archive's checks and test restore.</summary>
    public VerifyResult Result { get; internal set; } = null!;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}

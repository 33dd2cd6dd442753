namespace O4O.Recovery.Offsite;

/// <summary>Why a sealed archive could not be opened; nothing it would have produced can be trusted.</summary>
public enum SealedArchiveFailure
{
    /// <summary>The file does not start with a sealed archive's header (not encrypted by O4O, or its header is damaged).</summary>
    NotSealed,

    /// <summary>The header names a format version this O4O does not read.</summary>
    UnsupportedVersion,

    /// <summary>The archive was sealed with a key the key ring does not hold.</summary>
    UnknownKey,

    /// <summary>The key ring holds a key of the archive's key id, but not the key the archive was sealed with.</summary>
    WrongKey,

    /// <summary>A chunk does not authenticate: bytes changed, chunks reordered, dropped or taken from another archive.</summary>
    Tampered,

    /// <summary>The archive ends before its final chunk: it was cut short.</summary>
    Truncated,

    /// <summary>Something follows the final chunk.</summary>
    TrailingData,
}

/// <summary>
/// A sealed archive failed verification (see <see cref="SealedArchiveFailure"/>). Chunks are written only once they
/// authenticate, but those before the failing one were already written: discard the whole output.
/// </summary>
public sealed class SealedArchiveException(SealedArchiveFailure failure, string message) : Exception(message)
{
    /// <summary>What failed.</summary>
    public SealedArchiveFailure Failure { get; } = failure;
}

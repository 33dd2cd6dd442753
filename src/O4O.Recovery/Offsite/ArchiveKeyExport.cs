using O4O.Recovery.Configuration;
using O4O.Recovery.State;

namespace O4O.Recovery.Offsite;

/// <summary>
/// Whether the operator holds the archive keys away from this machine: <c>o4o backup key export</c> records the current
/// key's id in <c>state.db</c>, and until that is the current key, the off-site copies could not be opened on a new
/// machine (the keys are never uploaded nor backed up).
/// </summary>
public static class ArchiveKeyExport
{
    private const string Setting = "archive-key-exported";

    /// <summary>Records that <paramref name="ring"/> was exported by <paramref name="actor"/> at <paramref name="at"/>.</summary>
    public static Task RecordAsync(O4OHome home, ArchiveKeyRing ring, string actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        new Settings(home.StateDatabase).SetAsync(Setting, ring.Current.Id, actor, at, cancellationToken);

    /// <summary>
    /// True unless the current archive key was exported: there is no key yet, it was never exported, or a rotation
    /// made a key after the last export. A damaged key ring counts as not exported (the export says what is wrong).
    /// </summary>
    public static async Task<bool> IsPendingAsync(O4OHome home, CancellationToken cancellationToken)
    {
        ArchiveKeyRing? ring;
        try
        {
            ring = ArchiveKeyStore.Load(home);
        }
        catch (ArchiveKeyFileException)
        {
            return true;
        }

        return ring is null || (await new Settings(home.StateDatabase).GetAsync(Setting, "", cancellationToken)).Value != ring.Current.Id;
    }
}

using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Recovery.Offsite;

/// <summary>
/// The home's archive key ring, <c>secrets/archive-keys/keys.json</c>: a 0700 directory and 0600 files from their
/// creation (written whole beside it and renamed in), never part of a backup (<see cref="PlatformFiles"/>) and never
/// uploaded. Made on first use with one key and pgBackRest's passphrase for the off-site repository; rotation adds a
/// key and keeps every older one and the passphrase.
/// </summary>
public static class ArchiveKeyStore
{
    /// <summary>The directory that holds the key ring, its lock and nothing else.</summary>
    public static string DirectoryFor(O4OHome home) => Path.Combine(home.Secrets, "archive-keys");

    /// <summary>The key ring's file.</summary>
    public static string PathFor(O4OHome home) => Path.Combine(DirectoryFor(home), "keys.json");

    /// <summary>The home's key ring, or null when no archive was ever sealed or key exported here.</summary>
    /// <exception cref="ArchiveKeyFileException">The key ring is damaged.</exception>
    public static ArchiveKeyRing? Load(O4OHome home) => File.Exists(PathFor(home)) ? ArchiveKeyRing.Read(PathFor(home)) : null;

    /// <summary>The home's key ring, made with one new key when there is none.</summary>
    /// <exception cref="ArchiveKeyFileException">The key ring is damaged.</exception>
    public static ArchiveKeyRing LoadOrCreate(O4OHome home, TimeProvider time)
    {
        if (Load(home) is { } ring)
        {
            return ring;
        }

        var created = ArchiveKeyRing.Of([ArchiveKey.Generate(time.GetUtcNow())], PathFor(home), ArchiveKeyRing.NewRepositoryPassphrase());
        // Never over another's: the conductor sealing an upload and `o4o backup key export` may both make one.
        return AtomicFile.TryCreate(PathFor(home), created.ToFile()) ? created : ArchiveKeyRing.Read(PathFor(home));
    }

    /// <summary>Adds a new key and makes it current; every older key stays, so the archives sealed with them still open.</summary>
    /// <exception cref="LockHeldException">Another rotation is running.</exception>
    /// <exception cref="ArchiveKeyFileException">The key ring is damaged.</exception>
    public static ArchiveKeyRing Rotate(O4OHome home, TimeProvider time)
    {
        PrivateFiles.CreateDirectory(DirectoryFor(home));
        // Two rotations at once would each write the ring they read, and one new key would be lost with its archives.
        using var rotation = ExclusiveLock.Acquire(Path.Combine(DirectoryFor(home), "rotate.lock"), "Another o4o is rotating the archive key.");
        var rotated = LoadOrCreate(home, time).With(ArchiveKey.Generate(time.GetUtcNow()));
        AtomicFile.WriteAllBytes(PathFor(home), rotated.ToFile());
        return rotated;
    }
}

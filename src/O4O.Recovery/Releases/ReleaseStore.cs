using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.State;

namespace O4O.Recovery.Releases;

/// <summary>A published release: its directory under <c>$O4O_HOME/releases/</c> and its manifest.</summary>
/// <param name="Name">The directory's name, <c>VERSION-YYYYMMDDTHHMMSSZ</c>.</param>
/// <param name="Directory">The directory.</param>
/// <param name="Manifest">Its <c>release.json</c>.</param>
public sealed record Release(string Name, string Directory, ReleaseManifest Manifest)
{
    /// <summary>Where the published platform is: <c>app/</c>, apart from the manifest that describes it.</summary>
    public string AppDirectory => Path.Combine(Directory, "app");

    /// <summary>The platform's entry assembly in it.</summary>
    public string Assembly => Path.Combine(AppDirectory, "O4O.Platform.dll");
}

/// <summary>
/// <c>$O4O_HOME/releases/</c>: one directory per release, built under a <c>.partial-*</c> name and renamed into place
/// only when complete, so a deploy killed half-way leaves nothing listed; the next deploy (or listing) removes what it
/// left. One deploy at a time holds <c>releases/.lock</c>.
/// </summary>
public sealed class ReleaseStore(O4OHome home)
{
    private const string PartialPrefix = ".partial-";

    /// <summary>The releases directory.</summary>
    public string Root { get; } = Path.Combine(home.Root, "releases");

    /// <summary>The current release when there is one and it is still on disk, else null.</summary>
    public Release? Current() =>
        File.Exists(home.StateDatabase) && new ReleaseRecords(home.StateDatabase).Current() is { } name ? Find(name) : null;

    /// <summary>The platform assembly of the current release; null when none is current (the build output runs).</summary>
    public string? CurrentAssembly() => Current() is { } release && File.Exists(release.Assembly) ? release.Assembly : null;

    /// <summary>Every complete release, oldest first.</summary>
    public IReadOnlyList<Release> List()
    {
        if (!System.IO.Directory.Exists(Root))
        {
            return [];
        }

        return [.. new DirectoryInfo(Root).EnumerateDirectories()
            .Where(directory => !directory.Name.StartsWith('.'))
            .Select(directory => ReleaseManifest.TryRead(directory.FullName) is { } manifest ? new Release(directory.Name, directory.FullName, manifest) : null)
            .OfType<Release>()
            .OrderBy(release => release.Manifest.CreatedAt)
            .ThenBy(release => release.Name, StringComparer.Ordinal)];
    }

    /// <summary>The release named <paramref name="name"/> (exactly as listed), or null.</summary>
    public Release? Find(string name) =>
        ReleaseName.IsValid(name) ? List().FirstOrDefault(release => release.Name == name) : null;

    /// <summary>The release before <paramref name="current"/>: the newest one published before it.</summary>
    public Release? Before(Release current) =>
        List().TakeWhile(release => release.Name != current.Name).LastOrDefault();

    /// <summary>Takes the deploy lock, or returns null when another deploy holds it.</summary>
    public IDisposable? TryLock()
    {
        PrivateFiles.CreateDirectory(Root);
        try
        {
            // On Unix, .NET enforces FileShare.None with an advisory flock, released by the kernel however the process ends.
            return new FileStream(Path.Combine(Root, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Removes what killed deploys left (<c>.partial-*</c>). Call holding the lock. Returns their names.</summary>
    public IReadOnlyList<string> RemoveLeftovers()
    {
        if (!System.IO.Directory.Exists(Root))
        {
            return [];
        }

        var leftovers = new DirectoryInfo(Root).EnumerateDirectories(PartialPrefix + "*").ToList();
        foreach (var leftover in leftovers)
        {
            leftover.Delete(recursive: true);
        }

        return [.. leftovers.Select(leftover => leftover.Name)];
    }

    /// <summary>A new private directory for a release being built. Call holding the lock.</summary>
    public string BeginPartial(DateTimeOffset at) =>
        PrivateFiles.CreateDirectory(Path.Combine(Root,
            string.Create(CultureInfo.InvariantCulture, $"{PartialPrefix}{Environment.ProcessId}-{at.ToUnixTimeMilliseconds()}"))).FullName;

    /// <summary>Renames a complete <paramref name="partial"/> directory into place as <paramref name="name"/>: the commit point.</summary>
    public Release Complete(string partial, string name, ReleaseManifest manifest)
    {
        var target = Path.Combine(Root, name);
        System.IO.Directory.Move(partial, target);
        AtomicFile.FlushDirectory(Root);
        return new Release(name, target, manifest);
    }

    /// <summary>
    /// Deletes the oldest releases beyond the newest <paramref name="keep"/>, never <paramref name="current"/> nor the
    /// release before it (what a rollback goes back to). Returns the names removed.
    /// </summary>
    public IReadOnlyList<string> Prune(int keep, Release? current)
    {
        var releases = List();
        var previous = current is null ? null : Before(current);
        var removable = releases.Take(Math.Max(0, releases.Count - keep))
            .Where(release => release.Name != current?.Name && release.Name != previous?.Name)
            .ToList();
        foreach (var release in removable)
        {
            System.IO.Directory.Delete(release.Directory, recursive: true);
            new ReleaseRecords(home.StateDatabase).Forget(release.Name);
        }

        return [.. removable.Select(release => release.Name)];
    }
}

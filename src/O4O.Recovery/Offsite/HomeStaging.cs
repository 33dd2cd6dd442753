using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.PointInTime;

namespace O4O.Recovery.Offsite;

/// <summary>
/// A home built beside the one it will become: <c>$O4O_HOME/.restore-from-s3</c>, a home of its own (the same layout, on the
/// same filesystem), whose entries are renamed into the home only once everything in it is whole. An entry the home already
/// has is moved under <c>replaced-&lt;time&gt;/</c> first, never deleted. Discarded unless committed; one left by a killed
/// run (its recovery instance stopped first) is removed by the next.
/// </summary>
internal sealed class HomeStaging : IAsyncDisposable
{
    private const string Name = ".restore-from-s3";
    private readonly O4OHome _home;
    private bool _committed;

    private HomeStaging(O4OHome home)
    {
        _home = home;
        Staged = new O4OHome(Path.Combine(home.Root, Name));
    }

    /// <summary>The staged home.</summary>
    public O4OHome Staged { get; }

    /// <summary>
    /// The entries of <paramref name="home"/> that hold a file: not its empty directories, a leftover staging or <c>run/</c>, whose
    /// runtime files (the conductor's lock among them) say nothing of a shop.
    /// </summary>
    public static IReadOnlyList<string> Contents(O4OHome home) => !Directory.Exists(home.Root)
        ? []
        : [.. Directory.EnumerateFileSystemEntries(home.Root).Select(Path.GetFileName).OfType<string>()
            .Where(entry => entry != Name && Path.Combine(home.Root, entry) != home.Run && HoldsAFile(Path.Combine(home.Root, entry)))
            .Order(StringComparer.Ordinal)];

    /// <summary>Removes what a killed run left and creates the staged home.</summary>
    public static async Task<HomeStaging> CreateAsync(O4OHome home, CancellationToken cancellationToken)
    {
        var staging = new HomeStaging(home);
        await staging.RemoveAsync(cancellationToken);
        staging.Staged.EnsureCreated();
        return staging;
    }

    /// <summary>Renames every staged entry into the home, the home's own first under <c>replaced-&lt;time&gt;/</c>; returns that directory when it holds any.</summary>
    public string? Commit(DateTimeOffset now)
    {
        var replaced = Path.Combine(_home.Root, $"replaced-{now.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}");
        var kept = false;
        // run/ holds runtime files only: the staged home's restore locks, the home's conductor lock this restore holds.
        foreach (var source in Directory.EnumerateFileSystemEntries(Staged.Root).Where(entry => entry != Staged.Run).Order(StringComparer.Ordinal).ToList())
        {
            var destination = Path.Combine(_home.Root, Path.GetFileName(source));
            if (Exists(destination))
            {
                if (!HoldsAFile(source))
                {
                    continue;
                }

                if (HoldsAFile(destination))
                {
                    PrivateFiles.CreateDirectory(replaced);
                    Move(destination, Path.Combine(replaced, Path.GetFileName(source)));
                    kept = true;
                }
                else
                {
                    // Empty directories (a new home's secrets/): nothing to keep.
                    Directory.Delete(destination, recursive: true);
                }
            }

            Move(source, destination);
        }

        AtomicFile.FlushDirectory(_home.Root);
        _committed = true;
        Directory.Delete(Staged.Root, recursive: true);
        return kept ? replaced : null;
    }

    /// <summary>Removes the staged home unless it was committed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            await RemoveAsync(CancellationToken.None);
        }
    }

    private async Task RemoveAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(Staged.Root))
        {
            await SideInstanceLeftover.StopPostmasterAsync(Staged.PostgresData, SideInstanceLeftover.SigQuit, cancellationToken);
            Directory.Delete(Staged.Root, recursive: true);
        }
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    private static void Move(string source, string destination)
    {
        if (Directory.Exists(source))
        {
            Directory.Move(source, destination);
        }
        else
        {
            File.Move(source, destination);
        }
    }

    private static bool HoldsAFile(string path) =>
        File.Exists(path) || (Directory.Exists(path) && Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Any());
}

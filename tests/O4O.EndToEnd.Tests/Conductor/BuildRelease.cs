using O4O.EndToEnd.Tests.Processes;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Releases;

namespace O4O.EndToEnd.Tests.Conductor;

/// <summary>The Debug build of this checkout as a release of a home: what a switch starts, without a minute of publishing.</summary>
internal static class BuildRelease
{
    /// <summary>A release made at <paramref name="at"/> (now by default; names are to the second, so two need two times).</summary>
    public static Release Copy(SupervisedUp up, DateTimeOffset? at = null)
    {
        var configuration = Path.GetFileName(AppContext.BaseDirectory.TrimEnd('/'));
        var build = Path.Combine(O4OProcess.RepositoryRoot(), "artifacts", "bin", "O4O.Platform", configuration);
        var made = at ?? DateTimeOffset.UtcNow;
        var manifest = new ReleaseManifest("0.0.0", null, made, "test", build, [], [], new Dictionary<string, string>());
        var name = ReleaseName.For(manifest.Version, made);
        var directory = Path.Combine(up.Home.Root, "releases", name);
        CopyDirectory(build, Path.Combine(directory, "app"));
        manifest.Write(directory);
        return new Release(name, directory, manifest);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}

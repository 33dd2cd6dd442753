using System.Diagnostics;
using O4O.Recovery.IO;
using O4O.Recovery.Processes;
using O4O.Recovery.Verification;

namespace O4O.Recovery.Releases;

/// <summary>
/// Builds a release in a directory of its own: the source copied (a checkout) or exported (<c>git archive</c> of a ref)
/// into <c>src/</c>, so the build neither writes into the operator's checkout nor sees files git does not track, then
/// <c>dotnet publish</c> Release, ReadyToRun, into <c>app/</c>; <c>src/</c> is removed and the manifest written.
/// </summary>
/// <param name="log">Progress lines for the operator.</param>
public sealed class ReleasePublisher(Action<string> log)
{
    // What a checkout's build reads besides src/: the build settings at its root.
    private static readonly string[] _rootFiles = ["Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig", "NuGet.config", "nuget.config"];
    private static readonly string[] _skippedDirectories = ["bin", "obj", "artifacts", "node_modules", ".git"];

    /// <summary>Publishes <paramref name="source"/> into <paramref name="partial"/>; returns the manifest (not yet written).</summary>
    /// <exception cref="ReleaseInputException">The ref does not name a commit.</exception>
    /// <exception cref="ReleaseFailedException">The export or the build failed.</exception>
    public async Task<ReleaseManifest> PublishAsync(ReleaseSource source, string partial, DateTimeOffset at, string actor,
        IReadOnlyList<ReleaseMigration> running, CancellationToken cancellationToken)
    {
        var tree = Path.Combine(partial, "src");
        string? commit;
        if (source.GitRef is { } gitRef)
        {
            commit = await ResolveAsync(source.Directory, gitRef, cancellationToken)
                ?? throw new ReleaseInputException($"'{gitRef}' names no commit in the git repository at {source.Directory}.");
            log($"exporting {gitRef} ({commit[..12]}) with git archive");
            await ExportAsync(source.Directory, commit, partial, tree, cancellationToken);
        }
        else
        {
            commit = await ResolveAsync(source.Directory, "HEAD", cancellationToken);
            log($"copying the source in {source.Directory}");
            CopySource(source.Directory, tree);
        }

        var app = Path.Combine(partial, "app");
        log("dotnet publish (Release, ReadyToRun) ...");
        var clock = Stopwatch.StartNew();
        var publish = await CommandRunner.RunAsync(new ProcessStartInfo("dotnet",
        [
            "publish", Path.Combine(tree, ReleaseSource.PlatformProject), "-c", "Release", "--use-current-runtime", "--self-contained", "false",
            "-p:PublishReadyToRun=true", "-o", app, "--nologo", "-v", "quiet", "-clp:NoSummary", "--disable-build-servers",
            .. commit is null ? Array.Empty<string>() : [$"-p:SourceRevisionId={commit}"],
        ]), cancellationToken);
        if (publish.ExitCode != 0)
        {
            throw new ReleaseFailedException($"dotnet publish failed: {publish.LastErrorLine}");
        }

        log($"published in {clock.Elapsed.TotalSeconds:0} s");
        Directory.Delete(tree, recursive: true);
        // The build copies files with the modes they have in the package cache (0644): a release is private like the rest of the home.
        PrivateFiles.Tighten(partial, PrivateFiles.DirectoryMode);
        var assembly = Path.Combine(app, "O4O.Platform.dll");
        var migrations = MigrationScripts.Read(assembly);
        var known = running.Select(migration => migration.Name).ToHashSet(StringComparer.Ordinal);
        return new ReleaseManifest(
            FileVersionInfo.GetVersionInfo(assembly).ProductVersion?.Split('+')[0] ?? "0.0.0",
            commit, at, actor, source.Description, migrations,
            [.. migrations.Select(migration => migration.Name).Where(name => !known.Contains(name))],
            PlatformChecksums.Compute(app));
    }

    private static async Task<string?> ResolveAsync(string repository, string gitRef, CancellationToken cancellationToken)
    {
        // --end-of-options: whatever the ref looks like, git reads it as a revision, never as an option.
        var result = await CommandRunner.RunAsync(new ProcessStartInfo("git",
            ["-C", repository, "rev-parse", "--verify", "--quiet", "--end-of-options", gitRef + "^{commit}"]), cancellationToken);
        return result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
    }

    private static async Task ExportAsync(string repository, string commit, string partial, string tree, CancellationToken cancellationToken)
    {
        // Run in a subdirectory, git archive exports only that directory, and refuses one git does not track (o4o deploy
        // run from the build output): the whole tree, always, from the top of the work tree.
        var top = await CommandRunner.RunAsync(new ProcessStartInfo("git", ["-C", repository, "rev-parse", "--show-toplevel"]), cancellationToken);
        var root = top.ExitCode == 0 ? top.StandardOutput.Trim() : repository;
        var tar = Path.Combine(partial, "src.tar");
        Directory.CreateDirectory(tree);
        foreach (var step in new[]
        {
            new ProcessStartInfo("git", ["-C", root, "archive", "--format=tar", "-o", tar, commit]),
            new ProcessStartInfo("tar", ["-xf", tar, "-C", tree, "--no-same-owner", "--no-same-permissions"]),
        })
        {
            var result = await CommandRunner.RunAsync(step, cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new ReleaseFailedException($"{step.FileName} {step.ArgumentList[0]} failed: {result.LastErrorLine}");
            }
        }

        File.Delete(tar);
    }

    private static void CopySource(string checkout, string tree)
    {
        Directory.CreateDirectory(tree);
        foreach (var name in _rootFiles.Where(name => File.Exists(Path.Combine(checkout, name))))
        {
            File.Copy(Path.Combine(checkout, name), Path.Combine(tree, name));
        }

        CopyDirectory(new DirectoryInfo(Path.Combine(checkout, "src")), Path.Combine(tree, "src"));
    }

    private static void CopyDirectory(DirectoryInfo from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in from.EnumerateFiles())
        {
            file.CopyTo(Path.Combine(to, file.Name));
        }

        foreach (var directory in from.EnumerateDirectories().Where(directory => !_skippedDirectories.Contains(directory.Name) && directory.LinkTarget is null))
        {
            CopyDirectory(directory, Path.Combine(to, directory.Name));
        }
    }
}

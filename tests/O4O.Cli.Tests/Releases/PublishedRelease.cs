using O4O.Cli.Tests.Commands;
using O4O.Recovery.Releases;

namespace O4O.Cli.Tests.Releases;

/// <summary>
/// One real <c>o4o deploy</c> of this repository's checkout, shared by a test class: <c>dotnet publish</c> ReadyToRun takes
/// a minute or more on a small machine. Tests copy its release into homes of their own.
/// </summary>
public sealed class PublishedRelease : IAsyncLifetime
{
    internal CliRun Cli { get; } = new();

    internal CliResult Deploy { get; private set; } = new(-1, "", "");

    internal Release Release { get; private set; } = null!;

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "O4O.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No O4O.slnx above {AppContext.BaseDirectory}.");
    }

    public async Task InitializeAsync()
    {
        Deploy = await Cli.RunAsync("deploy", RepositoryRoot());
        Release = new ReleaseStore(Cli.Home).List() is [var only] ? only
            : throw new InvalidOperationException($"o4o deploy made no single release (exit {Deploy.ExitCode}): {Deploy.Error}");
    }

    /// <summary>Copies the release into <paramref name="cli"/>'s home as <paramref name="name"/>, its manifest changed by <paramref name="change"/>.</summary>
    internal Release CopyInto(CliRun cli, string name, Func<ReleaseManifest, ReleaseManifest>? change = null)
    {
        var target = Path.Combine(new ReleaseStore(cli.Home).Root, name);
        Copy(new DirectoryInfo(Release.Directory), target);
        var manifest = change is null ? Release.Manifest : change(Release.Manifest);
        manifest.Write(target);
        return new Release(name, target, manifest);
    }

    public Task DisposeAsync()
    {
        Cli.Dispose();
        return Task.CompletedTask;
    }

    private static void Copy(DirectoryInfo from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in from.EnumerateFiles())
        {
            file.CopyTo(Path.Combine(to, file.Name));
        }

        foreach (var directory in from.EnumerateDirectories())
        {
            Copy(directory, Path.Combine(to, directory.Name));
        }
    }
}

using System.Diagnostics;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Processes;

/// <summary>What another local user (<c>nobody</c>, through setpriv) can read: the test of files that must be owner-only.</summary>
internal static class OtherUser
{
    private const UnixFileMode Readable = (UnixFileMode)0b110_100_100; // 0644

    /// <summary>Every file and directory under <paramref name="root"/> that <c>nobody</c> can read or list.</summary>
    public static async Task<IReadOnlyList<string>> ReadableByNobodyAsync(string root)
    {
        Assert.True(UnixProcess.IsRoot, "setpriv needs root: run the end-to-end tests as root");
        var list = Path.Combine(Path.GetTempPath(), $"perms-list-{Guid.NewGuid():N}");
        var paths = Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(path => new FileInfo(path).LinkTarget is null)
            .Prepend(root)
            .ToList();
        Assert.True(paths.Count > 20, $"only {paths.Count} entries in the home");
        await File.WriteAllLinesAsync(list, paths);
        File.SetUnixFileMode(list, Readable);
        try
        {
            // The list itself must be readable to nobody: a setpriv that could read nothing at all would prove nothing.
            const string Script = """
                head -c1 -- "$0" > /dev/null || exit 9
                while IFS= read -r path; do
                  if [ -d "$path" ]; then ls -- "$path" > /dev/null 2>&1 && echo "$path"
                  else head -c1 -- "$path" > /dev/null 2>&1 && echo "$path"; fi
                done < "$0"
                exit 0
                """;
            var result = await CommandRunner.RunAsync(new ProcessStartInfo("setpriv",
                ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "/bin/sh", "-c", Script, list]));
            Assert.True(result.ExitCode == 0, $"setpriv exited with {result.ExitCode}: {result.StandardError}");
            return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(list);
        }
    }
}

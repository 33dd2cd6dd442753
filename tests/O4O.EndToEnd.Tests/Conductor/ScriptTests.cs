using System.Diagnostics;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Conductor;

public sealed class ScriptTests
{
    [Fact]
    public async Task Without_dotnet_the_script_says_so_in_one_line_and_exits_5()
    {
        var bin = Directory.CreateTempSubdirectory("o4o-no-dotnet-").FullName;
        try
        {
            // Everything the script uses, except dotnet.
            foreach (var tool in new[] { "bash", "dirname", "readlink", "find", "mkdir", "flock", "touch" })
            {
                File.CreateSymbolicLink(Path.Combine(bin, tool), Which(tool));
            }

            var start = new ProcessStartInfo(Path.Combine(O4OProcess.RepositoryRoot(), "o4o"), ["status"]);
            start.Environment["PATH"] = bin;
            var result = await CommandRunner.RunAsync(start);

            Assert.Equal(5, result.ExitCode);
            var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("o4o: the .NET SDK was not found", line);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    private static string Which(string tool) =>
        new[] { "/usr/bin", "/bin", "/usr/local/bin" }.Select(directory => Path.Combine(directory, tool)).First(File.Exists);
}

using System.Text.Json;
using O4O.EndToEnd.Tests.Processes;
using O4O.EndToEnd.Tests.Supervision;

namespace O4O.EndToEnd.Tests.Conductor;

/// <summary><c>o4o deploy</c> under a running <c>o4o up</c>: the conductor restarts the platform from the new release.</summary>
public sealed class DeployTests
{
    [Fact]
    public async Task Deploy_under_o4o_up_restarts_the_platform_from_the_release_which_releases_lists_as_current_and_healthy()
    {
        await using var up = await SupervisedUp.StartAsync();
        var before = up.PlatformPid;

        var deploy = await up.CliAsync("deploy", O4OProcess.RepositoryRoot());

        Assert.True(deploy.ExitCode == 0, deploy.StandardError + up.Up.Output);
        var name = deploy.StandardOutput.Trim();
        // The conductor writes its record of process ids a moment after the new process answers.
        for (var tries = 0; tries < 100 && up.PlatformPid == before; tries++)
        {
            await Task.Delay(100);
        }

        Assert.NotEqual(before, up.PlatformPid);
        var command = (await File.ReadAllTextAsync($"/proc/{up.PlatformPid}/cmdline")).Split('\0');
        Assert.Contains(Path.Combine(up.Home.Root, "releases", name, "app", "O4O.Platform.dll"), command);
        await up.Up.WaitForHealthAsync(up.Client);
        var listed = await up.CliAsync("releases", "--json");
        using var json = JsonDocument.Parse(listed.StandardOutput);
        var release = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal((name, true, "healthy"), (release.GetProperty("name").GetString(), release.GetProperty("current").GetBoolean(), release.GetProperty("health").GetString()));
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Commands;

/// <summary>A prerequisite that is missing is one clear line and a non-zero exit code, never a stack trace.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class UpErrorTests
{
    [Fact]
    public async Task An_occupied_platform_port_is_one_line_naming_its_setting()
    {
        using var occupied = Occupy(out var port);
        using var cli = new CliRun();
        cli.Settings["Platform:Port"] = port.ToString(CultureInfo.InvariantCulture);
        cli.Settings["Database:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync("up");

        AssertOneLine(result, ExitCodes.EnvironmentError, $"o4o: Port {port} is in use: set O4O__Platform__Port to a free port.");
        Assert.False(File.Exists(cli.Home.ConductorFile));
    }

    [Fact]
    public async Task An_occupied_database_port_is_one_line_naming_its_setting()
    {
        using var occupied = Occupy(out var port);
        using var cli = new CliRun();
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        cli.Settings["Database:Port"] = port.ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync("up");

        AssertOneLine(result, ExitCodes.EnvironmentError, $"o4o: Port {port} is in use: set O4O__Database__Port to a free port.");
    }

    [Fact]
    public async Task An_unwritable_home_is_one_line_naming_O4O_HOME()
    {
        using var parent = new CliRun();
        var file = Path.Combine(parent.Root, "a-file");
        await File.WriteAllTextAsync(file, "");
        using var cli = new CliRun(Path.Combine(file, "home"));

        var result = await cli.RunAsync("up");

        Assert.Equal(ExitCodes.EnvironmentError, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"o4o: O4O_HOME {cli.Home.Root} is not writable", line);
        Assert.EndsWith("Set O4O_HOME to a directory you can write.", line);
    }

    [Fact]
    public async Task A_platform_that_exits_on_its_own_is_reported_with_its_exit_code_and_the_cluster_is_stopped()
    {
        using var cli = new CliRun();
        var broken = Path.Combine(cli.Root, "Broken.Platform.dll");
        await File.WriteAllTextAsync(broken, "not an assembly");
        cli.Settings["Platform:Assembly"] = broken;
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        cli.Settings["Database:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync("up");

        Assert.True(result.ExitCode == ExitCodes.ComponentExited, result.Error);
        Assert.Matches("^The platform exited on its own with exit code -?[1-9][0-9]*; stopping everything.$", result.ErrorLines[^1]);
        // PostgreSQL removes its lock file when it shuts down cleanly, and no server runs on this data directory.
        Assert.False(File.Exists(Path.Combine(cli.Home.PostgresData, "postmaster.pid")), "the cluster was not stopped");
        Assert.DoesNotContain(CommandLines(), commandLine => commandLine.Contains(cli.Home.PostgresData, StringComparison.Ordinal));
        Assert.False(File.Exists(cli.Home.ConductorFile));
    }

    [Fact]
    public async Task A_missing_platform_assembly_is_one_line_naming_its_setting()
    {
        using var cli = new CliRun();
        cli.Settings["Platform:Assembly"] = Path.Combine(cli.Root, "Missing.dll");
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        cli.Settings["Database:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync("up");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("set O4O__Platform__Assembly", result.ErrorLines[^1]);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task A_backup_schedule_that_is_not_cron_is_one_line_naming_its_setting_before_anything_starts()
    {
        using var cli = new CliRun();
        cli.Settings["Backup:Schedule"] = "every night at three";
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        cli.Settings["Database:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync("up");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("'every night at three' is not a cron expression", result.ErrorLines[^1]);
        Assert.Contains("Set O4O__Backup__Schedule.", result.ErrorLines[^1]);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(Directory.Exists(cli.Home.PostgresData), "the cluster was set up before the configuration was checked");
    }

    [Fact]
    public async Task A_second_conductor_for_the_same_home_is_refused_in_one_line()
    {
        using var cli = new CliRun();
        cli.Home.EnsureCreated();
        using var running = ConductorLock.Acquire(cli.Home);

        var result = await cli.RunAsync("up");

        AssertOneLine(result, ExitCodes.EnvironmentError,
            $"o4o: A conductor is already running for {cli.Home.Root} (pid ?): stop it first, or use another O4O_HOME.");
    }

    [Fact]
    public async Task A_platform_left_behind_by_a_killed_conductor_is_stopped_by_the_next_up()
    {
        using var cli = new CliRun();
        cli.Home.EnsureCreated();
        using var orphan = Process.Start(new ProcessStartInfo("bash", ["-c", "exec -a O4O.Platform.dll sleep 300"]))!;
        using var deadConductor = Process.Start("true")!;
        await deadConductor.WaitForExitAsync();
        new ConductorRecord(deadConductor.Id, DateTimeOffset.UtcNow,
            new ComponentRecord(null, 5432, "127.0.0.1"), new ComponentRecord(orphan.Id, 4000, "127.0.0.1")).Write(cli.Home);
        using var occupied = Occupy(out var port);
        cli.Settings["Platform:Port"] = port.ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync("up");

        Assert.True(orphan.WaitForExit(TimeSpan.FromSeconds(5)), "the orphaned platform is still running");
        Assert.Equal($"Stopped the platform (pid {orphan.Id}) left running by a conductor that was killed.", result.ErrorLines[0]);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("status")]
    public async Task A_malformed_setting_is_one_line_and_a_usage_error(string command)
    {
        using var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = "not a connection string";
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync(command);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.StartsWith("o4o: Invalid configuration: Database:ConnectionString (O4O__Database__ConnectionString) is not a valid connection string", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task With_lang_ko_the_error_is_in_korean()
    {
        using var occupied = Occupy(out var port);
        using var cli = new CliRun();
        cli.Settings["Platform:Port"] = port.ToString(CultureInfo.InvariantCulture);
        try
        {
            var result = await cli.RunAsync("up", "--lang", "ko");

            AssertOneLine(result, ExitCodes.EnvironmentError, $"o4o: 포트 {port}이(가) 사용 중입니다: O4O__Platform__Port을(를) 비어 있는 포트로 설정하세요.");
        }
        finally
        {
            CultureInfo.DefaultThreadCurrentUICulture = null;
            CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        }
    }

    private static void AssertOneLine(CliResult result, int exitCode, string line)
    {
        Assert.True(exitCode == result.ExitCode, result.Error);
        // Progress lines (a new cluster was created) may come first; the error is the one line that ends the run.
        Assert.Equal(line, Assert.Single(result.ErrorLines, error => error.StartsWith("o4o:", StringComparison.Ordinal)).TrimEnd());
        Assert.StartsWith("o4o:", result.ErrorLines[^1]);
        Assert.DoesNotContain("   at ", result.Error);
    }

    private static IEnumerable<string> CommandLines()
    {
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(process, "cmdline"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue; // not a process, or one that ended while we looked
            }

            yield return commandLine;
        }
    }

    private static TcpListener Occupy(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }
}

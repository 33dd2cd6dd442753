using System.Diagnostics;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary>The commands as an operator runs them: a real <c>o4o</c> process, its exit code and its stderr.</summary>
public sealed class BackupCliTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("o4o-cli-backup-").FullName;

    [Fact]
    public async Task Backup_create_with_no_server_running_says_so_in_one_line()
    {
        var result = await O4OAsync("backup", "create");

        Assert.Equal(ExitCodes.EnvironmentError, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"The managed PostgreSQL in {_home}/pg is not running: start it with `o4o up`, or set O4O__Database__ConnectionString.", line);
    }

    [Fact]
    public async Task Restore_without_yes_and_without_a_terminal_is_refused_before_anything_happens()
    {
        var result = await O4OAsync("restore", "latest", "--db-only");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal("Refusing to swap databases without confirmation: stdin is not a terminal. Pass --yes.", result.StandardError.Trim());
    }

    [Fact]
    public async Task Verify_of_an_unknown_archive_names_it()
    {
        var result = await O4OAsync("backup", "verify", "o4o_backup_20990101_000000");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal($"No backup named o4o_backup_20990101_000000 in {_home}/backups (see `o4o backup list`).", result.StandardError.Trim());
    }

    [Fact]
    public async Task Backup_list_json_of_an_empty_directory_is_an_empty_array()
    {
        var result = await O4OAsync("backup", "list", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("[]", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task A_configured_backup_directory_that_is_missing_is_a_clear_error()
    {
        var result = await O4OAsync([("O4O__Backup__Directory", "/nonexistent/o4o-backups")], "backup", "list");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal("Backup directory /nonexistent/o4o-backups does not exist: create it or set O4O__Backup__Directory.", result.StandardError.Trim());
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("/dev/zero")]
    public async Task Verify_of_a_fifo_or_a_device_is_refused_in_one_line_instead_of_hanging(string path)
    {
        if (path == "fifo")
        {
            path = Path.Combine(_home, "o4o_backup_20990101_000000.tar.gz");
            Assert.Equal(0, (await CommandRunner.RunAsync(new ProcessStartInfo("mkfifo", [path]))).ExitCode);
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await O4OAsync([], patience.Token, "backup", "verify", path);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal($"{path} is not a regular file (a FIFO or a device?): an archive is a file.", result.StandardError.Trim());
    }

    [Fact]
    public async Task Verify_all_skips_fifos_named_like_archives_with_a_line_each_and_goes_on()
    {
        string[] names = ["o4o_backup_20990101_000000.tar.gz", "o4o_backup_20990102_000000.tar.gz"];
        var directory = Directory.CreateDirectory(Path.Combine(_home, "backups")).FullName;
        foreach (var name in names)
        {
            Assert.Equal(0, (await CommandRunner.RunAsync(new ProcessStartInfo("mkfifo", [Path.Combine(directory, name)]))).ExitCode);
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await O4OAsync([("O4O__Database__ConnectionString", "Host=127.0.0.1;Port=1;Username=postgres;Database=o4o_platform")],
            patience.Token, "backup", "verify", "--all");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(
            names.Select(name => $"Skipped {name}: {Path.Combine(directory, name)} is not a regular file (a FIFO or a device?): an archive is a file."),
            result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private Task<CommandResult> O4OAsync(params string[] arguments) => O4OAsync([], arguments);

    private Task<CommandResult> O4OAsync((string Name, string Value)[] environment, params string[] arguments) =>
        O4OAsync(environment, CancellationToken.None, arguments);

    private async Task<CommandResult> O4OAsync((string Name, string Value)[] environment, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "o4o.dll"), .. arguments]) { RedirectStandardInput = true };
        start.Environment["O4O_HOME"] = _home;
        start.Environment["O4O__Database__Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return await CommandRunner.RunAsync(start, cancellationToken);
    }
}

using System.Diagnostics;
using System.Globalization;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary>The commands as an operator runs them, in-process against a home with no server: exit code and stderr.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class BackupCliTests : IDisposable
{
    private readonly CliRun _cli = new();

    private string Home => Directory.CreateDirectory(_cli.Home.Root).FullName;

    [Fact]
    public async Task Backup_create_with_no_server_running_says_so_in_one_line()
    {
        var result = await O4OAsync("backup", "create");

        Assert.Equal(ExitCodes.EnvironmentError, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Equal($"o4o: The managed PostgreSQL in {Home}/pg is not running: start it with `o4o up`, or set O4O__Database__ConnectionString.", line);
    }

    [Fact]
    public async Task Restore_without_yes_and_without_a_terminal_is_refused_before_anything_happens()
    {
        var result = await O4OAsync("restore", "latest", "--db-only");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal("o4o: Refusing to swap databases without confirmation: stdin is not a terminal. Pass --yes.", result.Error.Trim());
    }

    [Fact]
    public async Task Verify_of_an_unknown_archive_names_it()
    {
        var result = await O4OAsync("backup", "verify", "o4o_backup_20990101_000000");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal($"o4o: No backup named o4o_backup_20990101_000000 in {Home}/backups (see `o4o backup list`).", result.Error.Trim());
    }

    [Fact]
    public async Task Backup_list_json_of_an_empty_directory_has_no_archives_and_no_physical_repository_where_wal_is_not_archived()
    {
        var result = await O4OAsync("backup", "list", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("{\n  \"archives\": [],\n  \"physical\": null,\n  \"offsite\": null\n}", result.Out.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Backup_create_physical_where_archiving_is_not_set_up_is_refused_in_one_line()
    {
        var managed = await O4OAsync("backup", "create", "--physical");
        var external = await O4OAsync([("Database:ConnectionString", "Host=127.0.0.1;Port=1;Username=postgres;Database=o4o_platform")],
            "backup", "create", "--physical");

        Assert.Equal(ExitCodes.EnvironmentError, managed.ExitCode);
        Assert.Equal($"o4o: WAL archiving is not set up here ({Home}/pgbackrest/pgbackrest.conf does not exist): "
            + "physical backups need the managed cluster started by `o4o up` with Archiving:Enabled.", Assert.Single(managed.ErrorLines));
        Assert.Equal(ExitCodes.EnvironmentError, external.ExitCode);
        Assert.Equal("o4o: WAL archiving and physical backups are for the managed cluster; an external database is archived by its own means.",
            Assert.Single(external.ErrorLines));
    }

    [Theory]
    [InlineData("--type", "full")]
    [InlineData("--physical", "--include-secrets")]
    public async Task Backup_create_options_of_the_other_kind_are_a_usage_error(string first, string second)
    {
        var result = await O4OAsync("backup", "create", first, second);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("--type goes with --physical only, and --include-secrets with a logical archive only.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_backup_directory_that_is_missing_is_a_clear_error()
    {
        var result = await O4OAsync([("Backup:Directory", "/nonexistent/o4o-backups")], "backup", "list");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal("o4o: Backup directory /nonexistent/o4o-backups does not exist: create it or set O4O__Backup__Directory.", result.Error.Trim());
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("/dev/zero")]
    public async Task Verify_of_a_fifo_or_a_device_is_refused_in_one_line_instead_of_hanging(string path)
    {
        if (path == "fifo")
        {
            path = Path.Combine(Home, "o4o_backup_20990101_000000.tar.gz");
            Assert.Equal(0, (await CommandRunner.RunAsync(new ProcessStartInfo("mkfifo", [path]))).ExitCode);
        }

        var result = await O4OAsync("backup", "verify", path).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal($"o4o: {path} is not a regular file (a FIFO or a device?): an archive is a file.", result.Error.Trim());
    }

    [Fact]
    public async Task Verify_all_skips_fifos_named_like_archives_with_a_line_each_and_goes_on()
    {
        string[] names = ["o4o_backup_20990101_000000.tar.gz", "o4o_backup_20990102_000000.tar.gz"];
        var directory = Directory.CreateDirectory(Path.Combine(Home, "backups")).FullName;
        foreach (var name in names)
        {
            Assert.Equal(0, (await CommandRunner.RunAsync(new ProcessStartInfo("mkfifo", [Path.Combine(directory, name)]))).ExitCode);
        }

        var result = await O4OAsync([("Database:ConnectionString", "Host=127.0.0.1;Port=1;Username=postgres;Database=o4o_platform")],
            "backup", "verify", "--all").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(
            names.Select(name => $"Skipped {name}: {Path.Combine(directory, name)} is not a regular file (a FIFO or a device?): an archive is a file."),
            result.ErrorLines);
    }

    public void Dispose() => _cli.Dispose();

    private Task<CliResult> O4OAsync(params string[] arguments) => O4OAsync([], arguments);

    private async Task<CliResult> O4OAsync((string Name, string Value)[] settings, params string[] arguments)
    {
        _cli.Settings["Database:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in settings)
        {
            _cli.Settings[name] = value;
        }

        return await _cli.RunAsync(arguments);
    }
}

using System.Globalization;
using Npgsql;
using O4O.Cli.Tests.Backups;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Restore;

/// <summary>
/// <c>o4o restore --latest-clean [--before TIME]</c> on real archives of a real database: the newest verified archive that is
/// not suspicious, local or only off-site (the test's s3rver), with the newer ones passed over and why.
/// </summary>
[Collection(LocalisedOutput.Collection)]
public sealed class LatestCleanCliTests(ManagedPostgresFixture postgres, S3ServerFixture server)
    : IClassFixture<ManagedPostgresFixture>, IClassFixture<S3ServerFixture>, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _prefix = $"o4o-{Guid.NewGuid():N}";

    [Fact]
    public async Task Restore_latest_clean_passes_over_the_suspicious_archive_and_restores_the_clean_one_before_it_with_its_files()
    {
        var database = await postgres.CreateDatabaseAsync("clean");
        var suspicious = await BackupAnomalyCliTests.EncryptedArchiveAsync(_cli, database);
        Assert.Equal(0, (await O4OAsync(database, "backup", "verify", "--all")).ExitCode);
        var archives = Archives();
        await ExecuteAsync(database, "INSERT INTO orders DEFAULT VALUES");

        var restore = await O4OAsync(database, "restore", "--latest-clean", "--yes");
        var incident = await O4OAsync(database, "incident", "show", "1");

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Equal(archives[2], Path.GetFileName(suspicious.Out.Trim()));
        Assert.Contains($"Passed over {archives[2]}: suspicious (anomaly score 1.5): 4 platform files' entropy jumped", restore.Out, StringComparison.Ordinal);
        Assert.Contains($"Restoring {archives[1]} (local): the newest verified archive that is not suspicious.", restore.Out, StringComparison.Ordinal);
        Assert.StartsWith(new NpgsqlConnectionStringBuilder(database).Database + "_broken_", restore.Out.Trim().Split('\n')[^1], StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM orders"));
        Assert.StartsWith("Invoice 0: green tea, two boxes.", await File.ReadAllTextAsync(Path.Combine(_cli.Home.Root, "uploads", "invoice-0.txt")), StringComparison.Ordinal);
        Assert.Contains($"restoring the last clean state from {archives[1]}", incident.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_latest_clean_before_a_time_picks_the_clean_archive_made_before_it()
    {
        var database = await postgres.CreateDatabaseAsync("before");
        await ExecuteAsync(database, "CREATE TABLE orders (id serial PRIMARY KEY); INSERT INTO orders DEFAULT VALUES");
        await CreateAsync(database);
        await Task.Delay(1100);
        var between = DateTimeOffset.Now;
        await Task.Delay(1100);
        await ExecuteAsync(database, "INSERT INTO orders DEFAULT VALUES");
        await CreateAsync(database);
        await ExecuteAsync(database, "INSERT INTO orders DEFAULT VALUES");
        await CreateAsync(database);
        Assert.Equal(0, (await O4OAsync(database, "backup", "verify", "--all")).ExitCode);
        var archives = Archives();

        var restore = await O4OAsync(database, "restore", "--latest-clean", "--before", between.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
            "--db-only", "--yes");

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Contains($"Passed over {archives[2]}: made at or after --before", restore.Out, StringComparison.Ordinal);
        Assert.Contains($"Passed over {archives[1]}: made at or after --before", restore.Out, StringComparison.Ordinal);
        Assert.Contains($"Restoring {archives[0]} (local)", restore.Out, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task A_clean_archive_only_off_site_is_downloaded_verified_and_restored_when_the_newer_one_is_not_verified()
    {
        var database = await postgres.CreateDatabaseAsync("offsite");
        UseOffsite();
        await ExecuteAsync(database, "CREATE TABLE orders (id serial PRIMARY KEY); INSERT INTO orders DEFAULT VALUES");
        var clean = await CreateAsync(database);
        Assert.Equal(0, (await O4OAsync(database, "backup", "verify", clean)).ExitCode);
        await UploadAsync(clean);
        File.Delete(Path.Combine(_cli.Home.Backups, clean));
        await ExecuteAsync(database, "INSERT INTO orders DEFAULT VALUES");
        var unverified = await CreateAsync(database);

        var restore = await O4OAsync(database, "restore", "--latest-clean", "--db-only", "--yes");

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Contains($"Passed over {unverified}: not verified", restore.Out, StringComparison.Ordinal);
        Assert.Contains($"Restoring {clean} (off-site, downloaded and verified)", restore.Out, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM orders"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(ArchiveUpload.StagingDirectory(_cli.Home)));
    }

    [Fact]
    public async Task Without_a_clean_archive_it_is_one_line_and_exit_1_with_nothing_changed()
    {
        var database = await postgres.CreateDatabaseAsync("noclean");
        await ExecuteAsync(database, "CREATE TABLE orders (id serial PRIMARY KEY); INSERT INTO orders DEFAULT VALUES");
        var unverified = await CreateAsync(database);
        await ExecuteAsync(database, "INSERT INTO orders DEFAULT VALUES");

        var restore = await O4OAsync(database, "restore", "--latest-clean", "--yes");

        Assert.Equal(ExitCodes.Failure, restore.ExitCode);
        Assert.Contains($"Passed over {unverified}: not verified", restore.Out, StringComparison.Ordinal);
        var line = Assert.Single(restore.ErrorLines);
        Assert.StartsWith("o4o: There is no clean archive to restore: none is both verified and not suspicious", line, StringComparison.Ordinal);
        Assert.Equal(2L, await ScalarAsync(database, "SELECT count(*) FROM orders"));
    }

    [Theory]
    [InlineData("restore", "--latest-clean", "--before", "yesterday")]
    [InlineData("restore", "--latest-clean", "latest")]
    [InlineData("restore", "--latest-clean", "--to-time", "2026-12-06 10:00")]
    [InlineData("restore", "--latest-clean", "--undo")]
    [InlineData("restore", "--latest-clean", "--cleanup")]
    [InlineData("restore", "--before", "2026-12-06 10:00")]
    public async Task A_bad_time_or_a_conflicting_option_is_one_command_line_error(params string[] arguments)
    {
        var result = await _cli.RunAsync(arguments);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Single(result.ErrorLines);
    }

    public void Dispose() => _cli.Dispose();

    private string[] Archives() => [.. Directory.GetFiles(_cli.Home.Backups, "o4o_backup_*.tar.gz").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    private async Task<string> CreateAsync(string database)
    {
        var created = await O4OAsync(database, "backup", "create");
        Assert.True(created.ExitCode == 0, created.Error);
        return Path.GetFileName(created.Out.Trim());
    }

    private void UseOffsite()
    {
        foreach (var (setting, value) in server.Settings(_prefix))
        {
            _cli.Settings[setting] = value;
        }
    }

    private Task<OffsiteCopy> UploadAsync(string name) => server.UploadAsConductorAsync(_cli.Home, _prefix, Path.Combine(_cli.Home.Backups, name));

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private Task<CliResult> O4OAsync(string database, params string[] arguments) => _cli.UseDatabase(database).RunAsync(arguments);
}

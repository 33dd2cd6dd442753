using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Offsite;
using O4O.Recovery.Postgres;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Restore;

/// <summary>
/// <c>o4o restore --from s3://BUCKET/PREFIX --key-file KEY</c> into a new machine's empty home, from the test's s3rver: the
/// archive-only path (no physical backup off-site) and every refusal, each one line, a named exit code and nothing left behind.
/// </summary>
[Collection(LocalisedOutput.Collection)]
public sealed class RestoreFromOffsiteCliTests(ManagedPostgresFixture postgres, S3ServerFixture server)
    : IClassFixture<ManagedPostgresFixture>, IClassFixture<S3ServerFixture>, IDisposable
{
    private readonly CliRun _lost = new();
    private readonly CliRun _fresh = new();
    private readonly string _prefix = $"shops/o4o-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_new_machine_gets_the_database_configuration_files_and_key_ring_from_the_newest_archive_when_there_is_no_physical_backup()
    {
        var keyFile = await LostShopAsync(notes: 25);
        UseBucket(_fresh);

        var restore = await _fresh.RunAsync("restore", "--from", $"s3://{server.Bucket}/{_prefix}", "--key-file", keyFile, "--yes");

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Equal(_fresh.Home.Root, restore.Out.Trim());
        Assert.Contains("No physical backup off-site: loading o4o_backup_", restore.Error, StringComparison.Ordinal);
        Assert.Contains("4123", await File.ReadAllTextAsync(_fresh.Home.ConfigurationFile), StringComparison.Ordinal);
        Assert.Contains("o4o.json holds settings the archive left out as secrets (Notifications:Channels:ops:Url): set them again", restore.Error, StringComparison.Ordinal);
        Assert.Equal("logo", await File.ReadAllTextAsync(Path.Combine(_fresh.Home.Root, "uploads", "logo.txt")));
        Assert.Equal(ArchiveKeyRing.Read(keyFile).ToFile(), ArchiveKeyStore.Load(_fresh.Home)!.ToFile());
        Assert.False(await ArchiveKeyExport.IsPendingAsync(_fresh.Home, CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(_fresh.Home.Root, ".restore-from-s3")));
        var kept = Directory.EnumerateFileSystemEntries(_fresh.Home.Root, "*", SearchOption.AllDirectories).Where(entry => entry.Contains("/replaced-", StringComparison.Ordinal)).ToList();
        Assert.True(kept.Count == 0, string.Join(", ", kept));
        Assert.DoesNotContain("is kept in", restore.Error, StringComparison.Ordinal);
        await using var cluster = new ManagedCluster(_fresh.Home.PostgresData, _fresh.Home.PostgresPasswordFile, FreePort.Next());
        await cluster.StartAsync();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("o4o_platform") + ";Pooling=false");
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM notes", connection);
        Assert.Equal(25L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_home_that_holds_files_is_refused_without_yes_and_kept_aside_with_it()
    {
        var keyFile = await LostShopAsync(notes: 3);
        UseBucket(_fresh);
        _fresh.Home.EnsureCreated();
        await File.WriteAllTextAsync(_fresh.Home.ConfigurationFile, "{\"Platform\": {\"Port\": 4999}}");

        var refused = await _fresh.RunAsync("restore", "--from", $"s3://{server.Bucket}/{_prefix}", "--key-file", keyFile);
        var replaced = await _fresh.RunAsync("restore", "--from", $"s3://{server.Bucket}/{_prefix}", "--key-file", keyFile, "--yes");

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.StartsWith($"o4o: O4O_HOME {_fresh.Home.Root} is not empty (it holds o4o.json): pass --yes", Failure(refused), StringComparison.Ordinal);
        Assert.True(replaced.ExitCode == 0, replaced.Error);
        var kept = Assert.Single(Directory.EnumerateDirectories(_fresh.Home.Root, "replaced-*"));
        Assert.Contains("4999", await File.ReadAllTextAsync(Path.Combine(kept, "o4o.json")), StringComparison.Ordinal);
        Assert.Contains("4123", await File.ReadAllTextAsync(_fresh.Home.ConfigurationFile), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://")]
    [InlineData("s3://o4o/../other")]
    [InlineData("s3://o4o/shops//x")]
    [InlineData("s3://Bad_Bucket/x")]
    [InlineData("https://o4o/x")]
    [InlineData("s3://o4o/x y")]
    public async Task An_address_that_is_not_a_plain_bucket_and_prefix_is_one_line_and_exit_2(string address)
    {
        UseBucket(_fresh);

        var result = await _fresh.RunAsync("restore", "--from", address, "--key-file", "/nonexistent");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains($"'{address}'", result.Error, StringComparison.Ordinal);
        Assert.Empty(HomeEntries());
    }

    [Fact]
    public async Task A_prefix_with_nothing_in_it_is_one_line_exit_1_and_writes_nothing()
    {
        using var elsewhere = new CliRun();
        var keyFile = await KeyFileAsync(elsewhere);
        UseBucket(_fresh);

        var result = await _fresh.RunAsync("restore", "--from", $"s3://{server.Bucket}/empty-{Guid.NewGuid():N}", "--key-file", keyFile, "--yes");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Matches(@"^o4o: s3://o4o/empty-\w+ holds no backup: ", Failure(result));
        Assert.Empty(HomeEntries());
    }

    [Fact]
    public async Task A_key_file_that_does_not_hold_the_archives_key_is_one_line_exit_2_and_writes_nothing()
    {
        await LostShopAsync(notes: 3);
        using var other = new CliRun();
        var otherKeys = await KeyFileAsync(other);
        UseBucket(_fresh);

        var result = await _fresh.RunAsync("restore", "--from", $"s3://{server.Bucket}/{_prefix}", "--key-file", otherKeys, "--yes");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("which the key ring", Failure(result), StringComparison.Ordinal);
        Assert.Empty(HomeEntries());
    }

    [Fact]
    public async Task A_missing_key_file_and_an_unreachable_bucket_are_one_line_each_with_their_exit_codes()
    {
        using var elsewhere = new CliRun();
        var keyFile = await KeyFileAsync(elsewhere);
        UseBucket(_fresh);

        var missing = await _fresh.RunAsync("restore", "--from", $"s3://{server.Bucket}/{_prefix}", "--key-file", Path.Combine(_fresh.Root, "no-such-key.json"));
        _fresh.Settings["Offsite:Endpoint"] = $"https://localhost:{FreePort.Next()}";
        var unreachable = await _fresh.RunAsync("restore", "--from", $"s3://{server.Bucket}/{_prefix}", "--key-file", keyFile);

        Assert.Equal(ExitCodes.UsageError, missing.ExitCode);
        Assert.StartsWith("o4o: Key file ", Failure(missing), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, unreachable.ExitCode);
        Assert.StartsWith($"o4o: the off-site bucket s3://{server.Bucket}/{_prefix}/archives/ cannot be read: ", Failure(unreachable), StringComparison.Ordinal);
        Assert.Empty(HomeEntries());
    }

    /// <summary>The one error line, after the lines of the steps that ran.</summary>
    private static string Failure(CliResult result) => Assert.Single(result.ErrorLines, line => line.StartsWith("o4o: ", StringComparison.Ordinal));

    public void Dispose()
    {
        _lost.Dispose();
        _fresh.Dispose();
    }

    /// <summary>The home's entries that hold a file (an empty home may have its empty directories and the conductor's lock).</summary>
    private List<string> HomeEntries() => !Directory.Exists(_fresh.Home.Root)
        ? []
        : [.. Directory.EnumerateFiles(_fresh.Home.Root, "*", SearchOption.AllDirectories).Where(file => !file.EndsWith("conductor.lock", StringComparison.Ordinal))];

    /// <summary>The lost machine: a shop with its configuration and an upload, an archive in the bucket, its exported key file.</summary>
    private async Task<string> LostShopAsync(int notes)
    {
        var database = await postgres.CreateDatabaseAsync("lost");
        _lost.UseDatabase(database);
        _lost.Home.EnsureCreated();
        await File.WriteAllTextAsync(_lost.Home.ConfigurationFile,
            "{\"Platform\": {\"Port\": 4123}, \"Notifications\": {\"Channels\": {\"ops\": {\"Type\": \"webhook\", \"Url\": \"https://hooks.example/T0KEN\"}}}}");
        Directory.CreateDirectory(Path.Combine(_lost.Home.Root, "uploads"));
        await File.WriteAllTextAsync(Path.Combine(_lost.Home.Root, "uploads", "logo.txt"), "logo");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes SELECT generate_series(1, {notes})", connection);
            await command.ExecuteNonQueryAsync();
        }

        var created = await _lost.RunAsync("backup", "create");
        Assert.True(created.ExitCode == 0, created.Error);
        await server.UploadAsConductorAsync(_lost.Home, _prefix, created.Out.Trim());

        return await KeyFileAsync(_lost);
    }

    private static async Task<string> KeyFileAsync(CliRun machine)
    {
        var export = await machine.RunAsync("backup", "key", "export");
        Assert.True(export.ExitCode == 0, export.Error);
        var keyFile = Path.Combine(machine.Root, "exported-keys.json");
        await File.WriteAllTextAsync(keyFile, export.Out);
        return keyFile;
    }

    // The endpoint and credentials in the new machine's settings; the bucket and prefix come from --from.
    private void UseBucket(CliRun machine)
    {
        foreach (var (setting, value) in server.Settings(_prefix).Where(setting => setting.Key is not ("Offsite:Bucket" or "Offsite:Prefix")))
        {
            machine.Settings[setting] = value;
        }
    }
}

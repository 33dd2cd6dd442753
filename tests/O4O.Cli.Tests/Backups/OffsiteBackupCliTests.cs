using System.Security.Cryptography;
using System.Text.Json.Nodes;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary><c>o4o backup list</c> and <c>o4o backup verify --offsite</c> with an off-site bucket: the test's s3rver.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class OffsiteBackupCliTests(ManagedPostgresFixture postgres, S3ServerFixture server)
    : IClassFixture<ManagedPostgresFixture>, IClassFixture<S3ServerFixture>, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _prefix = $"o4o-{Guid.NewGuid():N}";

    [Fact]
    public async Task Backup_list_says_where_each_archive_is_and_the_off_site_lag_in_text_and_json()
    {
        var database = await UseOffsiteAsync();
        var first = await CreateAsync(database);
        var second = await CreateAsync(database, localOnly: true);

        var text = await _cli.RunAsync("backup", "list");
        var json = JsonNode.Parse((await _cli.RunAsync("backup", "list", "--json")).Out)!;

        Assert.Equal(ExitCodes.Success, text.ExitCode);
        Assert.Contains("both", Assert.Single(text.Out.Split('\n'), line => line.Contains(first, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("local", Assert.Single(text.Out.Split('\n'), line => line.Contains(second, StringComparison.Ordinal) && line.Contains('│')), StringComparison.Ordinal);
        Assert.Matches($@"Off-site lag: 1 archive\(s\) not off-site yet; the oldest, {second.Replace(".", "\\.", StringComparison.Ordinal)}, is \d+s old\.", text.Out);
        var offsite = json["offsite"]!;
        Assert.Equal(["both", "local"], offsite["archives"]!.AsArray().Select(archive => archive!["location"]!.GetValue<string>()));
        Assert.Equal($"{_prefix}/archives/{first}.sealed", offsite["archives"]![0]!["objectKey"]!.GetValue<string>());
        Assert.Equal(1, offsite["lag"]!["pending"]!.GetValue<int>());
        Assert.Equal(second, offsite["lag"]!["oldestPending"]!.GetValue<string>());
    }

    [Fact]
    public async Task Verify_offsite_test_restores_the_copy_and_a_byte_flipped_in_the_servers_storage_fails_it_with_exit_4()
    {
        var database = await UseOffsiteAsync();
        var name = await CreateAsync(database);
        var copy = await UploadAsync(name);

        var good = await _cli.RunAsync("backup", "verify", "--offsite", name);
        await FlipAByteAsync(copy, rewrittenThroughTheApi: false);
        var flipped = await _cli.RunAsync("backup", "verify", "--offsite", name);

        Assert.True(good.ExitCode == ExitCodes.Success, good.Error);
        Assert.Contains($"The off-site copy of {name} verified", good.Error, StringComparison.Ordinal);
        Assert.True(flipped.ExitCode == ExitCodes.BackupCorrupt, flipped.Error);
        Assert.Contains($"o4o: {name}: the off-site copy is not what the server stored: ", flipped.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_rewritten_in_the_bucket_fails_verify_offsite_by_its_recorded_SHA256()
    {
        var database = await UseOffsiteAsync();
        var name = await CreateAsync(database);
        var copy = await UploadAsync(name);
        var bytes = await FlipAByteAsync(copy, rewrittenThroughTheApi: true);

        var verify = await _cli.RunAsync("backup", "verify", "--offsite", name);

        Assert.True(verify.ExitCode == ExitCodes.BackupCorrupt, verify.Error);
        Assert.Contains($"o4o: {name}: the off-site copy's SHA-256 is {Convert.ToHexStringLower(SHA256.HashData(bytes))}, not the {copy.Sha256} recorded at its upload",
            verify.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_rewritten_with_its_SHA256_beside_it_on_a_machine_without_the_record_is_caught_by_the_cipher()
    {
        var database = await UseOffsiteAsync();
        var name = await CreateAsync(database);
        var copy = await UploadAsync(name);
        var bytes = await FlipAByteAsync(copy, rewrittenThroughTheApi: true);
        var metadataFile = Stored(copy) + "._S3rver_metadata.json";
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(metadataFile))!;
        metadata[ArchiveUpload.Sha256Metadata] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await File.WriteAllTextAsync(metadataFile, metadata.ToJsonString());
        new OffsiteCopies(_cli.Home.StateDatabase).Forget(name);

        var verify = await _cli.RunAsync("backup", "verify", "--offsite", name);

        Assert.True(verify.ExitCode == ExitCodes.BackupCorrupt, verify.Error);
        Assert.Contains($"o4o: {name}: the off-site copy does not decrypt: chunk 0 does not authenticate", verify.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_offsite_of_an_archive_with_no_copy_names_where_it_looked_in_one_line()
    {
        await UseOffsiteAsync();

        var result = await _cli.RunAsync("backup", "verify", "--offsite", "o4o_backup_20990101_000000");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal($"o4o: there is no off-site copy of o4o_backup_20990101_000000.tar.gz at s3://{server.Bucket}/{_prefix}/archives/o4o_backup_20990101_000000.tar.gz.sealed.",
            result.Error.Trim());
    }

    [Fact]
    public async Task Verify_offsite_against_an_endpoint_that_never_answers_fails_after_Offsite_Timeout_in_one_line()
    {
        await UseOffsiteAsync();
        using var silent = new SilentEndpoint();
        _cli.Settings["Offsite:Endpoint"] = silent.Endpoint;
        _cli.Settings["Offsite:Timeout"] = "00:00:02";

        var result = await _cli.RunAsync("backup", "verify", "--offsite", "o4o_backup_20990101_000000");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal($"o4o: the off-site bucket s3://{server.Bucket}/{_prefix}/archives/o4o_backup_20990101_000000.tar.gz.sealed cannot be read: "
            + $"localhost:{silent.Port} did not answer within Offsite:Timeout (2 s), three times.", result.Error.Trim());
    }

    public void Dispose() => _cli.Dispose();

    private string Stored(OffsiteCopy copy) => Path.Combine(server.DataDirectory, server.Bucket, copy.ObjectKey);

    /// <summary>
    /// Flips a byte of the stored object: as damage on the server's disk (its MD5 ETag stays the old one), or as a rewrite
    /// through the API would leave it (the server's MD5 is of the new bytes; s3rver recomputes a missing one).
    /// </summary>
    private async Task<byte[]> FlipAByteAsync(OffsiteCopy copy, bool rewrittenThroughTheApi)
    {
        var stored = Stored(copy) + "._S3rver_object";
        var bytes = await File.ReadAllBytesAsync(stored);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(stored, bytes);
        if (rewrittenThroughTheApi)
        {
            File.Delete(stored + ".md5");
        }

        return bytes;
    }

    private async Task<string> UseOffsiteAsync()
    {
        var database = await postgres.CreateDatabaseAsync("offsite");
        _cli.UseDatabase(database);
        foreach (var (setting, value) in server.Settings(_prefix))
        {
            _cli.Settings[setting] = value;
        }

        return database;
    }

    /// <summary>An archive by <c>o4o backup create</c>, which uploads it too unless <paramref name="localOnly"/> (made with the bucket unset).</summary>
    private async Task<string> CreateAsync(string database, bool localOnly = false)
    {
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY); INSERT INTO notes SELECT coalesce(max(id), 0) + 1 FROM notes", connection);
            await command.ExecuteNonQueryAsync();
        }

        var endpoint = _cli.Settings["Offsite:Endpoint"];
        _cli.Settings["Offsite:Endpoint"] = localOnly ? "" : endpoint;
        var created = await _cli.RunAsync("backup", "create");
        _cli.Settings["Offsite:Endpoint"] = endpoint;
        Assert.True(created.ExitCode == 0, created.Error);
        return Path.GetFileName(created.Out.Trim());
    }

    private Task<OffsiteCopy> UploadAsync(string name) => server.UploadAsConductorAsync(_cli.Home, _prefix, Path.Combine(_cli.Home.Backups, name));
}

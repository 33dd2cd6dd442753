using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary>An archive made after ransomware encrypted the platform's files, as the operator sees it.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class BackupAnomalyCliTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>, IDisposable
{
    private readonly CliRun _cli = new();

    [Fact]
    public async Task Backup_create_says_an_archive_of_encrypted_files_is_suspicious_and_list_incident_and_json_show_it()
    {
        var database = await postgres.CreateDatabaseAsync("anomaly");
        var encrypted = await EncryptedArchiveAsync(_cli, database);
        var list = await O4OAsync(database, "backup", "list");
        var json = await O4OAsync(database, "backup", "list", "--json");
        var incidents = await O4OAsync(database, "incident", "list", "--json");

        Assert.Equal(0, encrypted.ExitCode);
        var name = Path.GetFileName(encrypted.Out.Trim());
        var warning = encrypted.ErrorLines[^1];
        Assert.StartsWith($"o4o: {name} is suspicious (anomaly score 1.5): 4 platform files' entropy jumped (bits per byte): files/uploads/invoice-0.txt ", warning);
        Assert.EndsWith("4 of 4 platform files changed or gone since the last clean archive. It is on an incident; `o4o backup prune` keeps every archive of the 7 days before it.", warning);
        Assert.Contains("SUSPICIOUS 1.5", list.Out);
        Assert.Contains($"o4o: {name}: suspicious: 4 platform files' entropy jumped", list.Error);
        var archives = JsonDocument.Parse(json.Out).RootElement.GetProperty("archives");
        Assert.Equal([false, false, true], archives.EnumerateArray().Select(archive => archive.GetProperty("anomaly").GetProperty("suspicious").GetBoolean()));
        Assert.Equal(2, archives[2].GetProperty("anomaly").GetProperty("reasons").GetArrayLength());
        var incident = Assert.Single(JsonDocument.Parse(incidents.Out).RootElement.EnumerateArray());
        Assert.Contains($"archive {name} is suspicious", incident.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Two clean archives of <paramref name="database"/> with four text uploads, then one made after they were encrypted.</summary>
    internal static async Task<CliResult> EncryptedArchiveAsync(CliRun cli, string database)
    {
        await ExecuteAsync(database, "CREATE TABLE orders (id serial PRIMARY KEY); INSERT INTO orders DEFAULT VALUES");
        var uploads = Directory.CreateDirectory(Path.Combine(cli.Home.Root, "uploads")).FullName;
        for (var index = 0; index < 4; index++)
        {
            await File.WriteAllTextAsync(Path.Combine(uploads, $"invoice-{index}.txt"), string.Concat(Enumerable.Repeat($"Invoice {index}: green tea, two boxes.\n", 60)));
        }

        for (var day = 0; day < 2; day++)
        {
            var clean = await cli.UseDatabase(database).RunAsync("backup", "create");
            Assert.True(clean.ExitCode == 0, clean.Error);
            Assert.Single(clean.ErrorLines);
        }

        foreach (var file in Directory.GetFiles(uploads))
        {
            await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes((int)new FileInfo(file).Length));
        }

        return await cli.UseDatabase(database).RunAsync("backup", "create");
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => _cli.Dispose();

    private Task<CliResult> O4OAsync(string database, params string[] arguments) => _cli.UseDatabase(database).RunAsync(arguments);
}

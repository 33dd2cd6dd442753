using System.Globalization;
using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary>An archive found damaged is exit code 4 whichever command meets it.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class CorruptArchiveExitCodeTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Fact]
    public async Task Every_command_that_takes_an_archive_exits_4_when_the_archive_is_cut_off()
    {
        using var cli = new CliRun();
        var database = await postgres.CreateDatabaseAsync("corrupt");
        await ExecuteAsync(database, """
            CREATE TABLE users (id int, name text); CREATE TABLE products (id int); CREATE TABLE orders (id int); INSERT INTO orders VALUES (1);
            INSERT INTO users SELECT g, md5(random()::text) FROM generate_series(1, 20000) g;
            """);
        cli.UseDatabase(database);
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        cli.Settings["Verify:LoadRequests"] = "1";
        cli.Settings["Verify:HealthRequests"] = "1";
        var archive = (await cli.RunAsync("backup", "create")).Out.Trim();
        // Cut inside the dump, which is most of the archive: the manifest before it still reads, so `latest` takes it and
        // the damage shows only when the dump is loaded.
        await using (var file = new FileStream(archive, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length / 2);
        }

        await ExecuteAsync(database, "DROP TABLE orders");
        var name = Path.GetFileName(archive);

        // recover first: once verify has failed the archive, `latest` passes over it and recover has no archive to take.
        var recover = await cli.RunAsync("recover", "--yes");
        var restore = await cli.RunAsync("restore", name, "--db-only", "--yes");
        var verify = await cli.RunAsync("backup", "verify", name);

        Assert.True(recover.ExitCode == ExitCodes.BackupCorrupt, recover.Out + recover.Error);
        Assert.Contains("3. restore           FAILED", recover.Out, StringComparison.Ordinal);
        Assert.True(restore.ExitCode == ExitCodes.BackupCorrupt, restore.Error);
        Assert.True(verify.ExitCode == ExitCodes.BackupCorrupt, verify.Error);
        Assert.Contains("damaged or truncated", recover.Out, StringComparison.Ordinal);
        Assert.All(new[] { restore, verify }, result => Assert.StartsWith($"o4o: {name}: ", result.ErrorLines[^1], StringComparison.Ordinal));
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

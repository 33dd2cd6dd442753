using Npgsql;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary>What a restore takes away from the live database is said before it goes, and kept on the open incident.</summary>
public sealed class RestoreComparisonCliTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>, IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("o4o-cli-compare-").FullName;

    [Fact]
    public async Task Restore_yes_says_a_user_and_an_order_placed_after_the_backup_will_be_gone_and_notes_it_on_the_open_incident()
    {
        var database = await BackupAsync();
        await ExecuteAsync(database, "INSERT INTO users DEFAULT VALUES; INSERT INTO orders DEFAULT VALUES");
        Assert.Equal(0, (await O4OAsync(database, "incident", "open", "shop down")).ExitCode);

        var restore = await O4OAsync(database, "restore", "latest", "--db-only", "--yes");
        var incident = await O4OAsync(database, "incident", "show", "1");

        Assert.True(restore.ExitCode == 0, restore.StandardError);
        var said = "These changes made after the backup will be gone from the live database (kept as ";
        Assert.Contains(said, restore.StandardError);
        Assert.Contains("orders +1 (1 newer than the backup), users +1 (1 newer than the backup)", restore.StandardError);
        Assert.Contains("orders +1 (1 newer than the backup), users +1 (1 newer than the backup)", incident.StandardOutput);
    }

    [Fact]
    public async Task Restore_names_a_live_table_it_could_not_count_and_restores_all_the_same()
    {
        var database = await BackupAsync();
        await ExecuteAsync(database, "DROP TABLE orders");

        var restore = await O4OAsync(database, "restore", "latest", "--db-only", "--yes");

        Assert.True(restore.ExitCode == 0, restore.StandardError);
        Assert.Contains("could not be counted: orders", restore.StandardError);
    }

    [Fact]
    public async Task Restore_says_when_the_live_database_has_nothing_newer_than_the_backup()
    {
        var database = await BackupAsync();

        var restore = await O4OAsync(database, "restore", "latest", "--db-only", "--yes");

        Assert.True(restore.ExitCode == 0, restore.StandardError);
        Assert.Contains("The live database has nothing newer than the backup.", restore.StandardError);
    }

    /// <summary>A database with users and orders, and an archive of it made by <c>o4o backup create</c>.</summary>
    private async Task<string> BackupAsync()
    {
        var database = await postgres.CreateDatabaseAsync("compare");
        await ExecuteAsync(database, """
            CREATE TABLE users (id serial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE orders (id serial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO users DEFAULT VALUES; INSERT INTO orders DEFAULT VALUES; INSERT INTO orders DEFAULT VALUES;
            """);
        var created = await O4OAsync(database, "backup", "create");
        Assert.True(created.ExitCode == 0, created.StandardError);
        return database;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private Task<CommandResult> O4OAsync(string database, params string[] arguments) => O4OProcess.RunAsync(_home, database, arguments);
}

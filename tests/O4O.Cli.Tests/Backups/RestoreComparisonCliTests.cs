using System.Text.RegularExpressions;
using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary>What a restore takes away from the live database is said before it goes, and kept on the open incident.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class RestoreComparisonCliTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>, IDisposable
{
    private readonly CliRun _cli = new();

    [Fact]
    public async Task Restore_yes_says_a_user_and_an_order_placed_after_the_backup_will_be_gone_and_notes_it_on_the_open_incident()
    {
        var database = await BackupAsync();
        await ExecuteAsync(database, "INSERT INTO users DEFAULT VALUES; INSERT INTO orders DEFAULT VALUES");
        Assert.Equal(0, (await O4OAsync(database, "incident", "open", "shop down")).ExitCode);

        var restore = await O4OAsync(database, "restore", "latest", "--db-only", "--yes");
        var incident = await O4OAsync(database, "incident", "show", "1");

        Assert.True(restore.ExitCode == 0, restore.Error);
        var said = "These changes made after the backup will be gone from the live database (kept as ";
        Assert.Contains(said, restore.Error);
        Assert.Contains("orders +1 (1 newer than the backup), users +1 (1 newer than the backup)", restore.Error);
        Assert.Contains("orders +1 (1 newer than the backup), users +1 (1 newer than the backup)", incident.Out);
    }

    [Fact]
    public async Task Restore_names_a_live_table_it_could_not_count_and_restores_all_the_same()
    {
        var database = await BackupAsync();
        await ExecuteAsync(database, "DROP TABLE orders");

        var restore = await O4OAsync(database, "restore", "latest", "--db-only", "--yes");

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Contains("could not be counted: orders", restore.Error);
    }

    [Fact]
    public async Task Restore_says_when_the_live_database_has_nothing_newer_than_the_backup()
    {
        var database = await BackupAsync();

        var restore = await O4OAsync(database, "restore", "latest", "--db-only", "--yes");

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Contains("The live database has nothing newer than the backup.", restore.Error);
    }

    [Fact]
    public async Task At_a_terminal_restore_says_what_the_live_database_holds_beyond_the_backup_before_it_asks_and_a_no_leaves_it_untouched()
    {
        var (database, exitCode, terminal) = await RestoreAtTerminalAfterANewUserAsync(answer: "n");

        Assert.True(exitCode == 1, terminal);
        var comparison = Regex.Match(terminal, @"These\s+changes\s+made\s+after\s+the\s+backup\s+will\s+be\s+gone.*?users\s+\+1\s+\(1\s+newer\s+than\s+the\s+backup\)", RegexOptions.Singleline);
        var question = Regex.Match(terminal, @"Replace\s+\S+\s+with\s+it\s+now");
        Assert.True(comparison.Success && question.Success && comparison.Index < question.Index, terminal);
        Assert.Contains("Nothing was changed.", terminal, StringComparison.Ordinal);
        Assert.Equal(2L, await ScalarAsync(database, "SELECT count(*) FROM users"));
        Assert.Equal([new NpgsqlConnectionStringBuilder(database).Database!], await DatabasesAsync(database));
    }

    [Fact]
    public async Task At_a_terminal_a_yes_to_the_question_restores_and_the_rows_newer_than_the_backup_go_with_the_replaced_database()
    {
        var (database, exitCode, terminal) = await RestoreAtTerminalAfterANewUserAsync(answer: "y");

        Assert.True(exitCode == 0, terminal);
        Assert.Matches(@"users\s+\+1\s+\(1\s+newer\s+than\s+the\s+backup\)", terminal);
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM users"));
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        Assert.Contains(await DatabasesAsync(database), kept => kept.StartsWith(name + "_broken_", StringComparison.Ordinal));
    }

    /// <summary>
    /// A backup, a user registered after it, then <c>o4o restore latest --db-only</c> at a terminal answered with
    /// <paramref name="answer"/>; the terminal's text comes back without its escape sequences.
    /// </summary>
    private async Task<(string Database, int ExitCode, string Terminal)> RestoreAtTerminalAfterANewUserAsync(string answer)
    {
        var database = await BackupAsync();
        await ExecuteAsync(database, "INSERT INTO users DEFAULT VALUES");
        var restore = await O4OProcess.RunAtTerminalAsync(Directory.CreateDirectory(_cli.Home.Root).FullName, database, answer + "\n", "restore", "latest", "--db-only");
        return (database, restore.ExitCode, Regex.Replace(restore.StandardOutput, @"\x1b\[[0-9;?]*[A-Za-z=>]|\x1b[=>]|\r", ""));
    }

    // A restore's swap ends every session on the database it replaces: a pooled one would be found dead.
    private static NpgsqlConnection Unpooled(string database) => new(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);

    /// <summary>The test database and every database a restore made beside it.</summary>
    private static async Task<List<string>> DatabasesAsync(string database)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        await using var connection = Unpooled(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_') ORDER BY 1", connection)
        {
            Parameters = { new() { Value = name } },
        };
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = Unpooled(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
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
        Assert.True(created.ExitCode == 0, created.Error);
        return database;
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

using Npgsql;

namespace O4O.Recovery.Tests.Verification;

/// <summary>The platform's real tables (its first migration, read from the repository) in a test database.</summary>
internal static class PlatformSchema
{
    public static async Task CreateAsync(string connectionString)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "O4O.slnx")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var schema = await File.ReadAllTextAsync(Path.Combine(root.FullName, "src", "O4O.Platform", "Data", "Migrations", "0001_schema.sql"));
        await ExecuteAsync(connectionString, schema);
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using Npgsql;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>The platform logs in to the managed cluster as its database's owner, not as the superuser, before and after a restore.</summary>
public sealed class OwnerRoleTests
{
    [Fact]
    public async Task The_platform_connects_as_an_owner_that_is_not_superuser_and_still_migrates_and_serves_after_a_restore()
    {
        await using var up = await SupervisedUp.StartAsync();
        Assert.Equal("o4o_app false", await WhoAsync(PlatformConnectionString(up.PlatformPid)));

        var backup = await up.CliAsync("backup", "create");
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var restore = await up.CliAsync("restore", "latest", "--db-only", "--yes");
        Assert.True(restore.ExitCode == 0, restore.StandardError);

        await using (var database = up.Database())
        await using (var owners = database.CreateCommand("""
            SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',') FROM pg_class WHERE relnamespace = 'public'::regnamespace
            UNION ALL SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()
            """))
        await using (var reader = await owners.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal("o4o_app", reader.GetString(0));
            Assert.True(await reader.ReadAsync());
            Assert.Equal("o4o_app", reader.GetString(0));
        }

        // A platform started on the restored database runs its migrations as the owner, then takes writes.
        var before = up.PlatformPid;
        var restart = await up.CliAsync("restart", "platform");
        Assert.True(restart.ExitCode == 0, restart.StandardError);
        // The old process may still answer for a moment: wait for the new one, then for its health.
        for (var tries = 0; tries < 150 && up.PlatformPid == before; tries++)
        {
            await Task.Delay(200);
        }

        await up.Up.WaitForHealthAsync(up.Client);
        using var customer = await up.SignedInAsync(admin: false);
        Assert.Equal("o4o_app false", await WhoAsync(PlatformConnectionString(up.PlatformPid)));
    }

    /// <summary>The connection string the conductor gave the platform process, from its environment.</summary>
    private static string PlatformConnectionString(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0')
            .Single(variable => variable.StartsWith("O4O__Database__ConnectionString=", StringComparison.Ordinal))
            .Split('=', 2)[1];

    private static async Task<string?> WhoAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user || ' ' || rolsuper::text FROM pg_roles WHERE rolname = current_user", connection);
        return (string?)await command.ExecuteScalarAsync();
    }
}

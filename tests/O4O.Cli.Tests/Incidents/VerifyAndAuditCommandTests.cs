using System.Text.Json;
using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Incidents;

[Collection(LocalisedOutput.Collection)]
public sealed class VerifyAndAuditCommandTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Fact]
    public async Task Verify_against_a_platform_that_is_down_exits_3_and_its_json_names_every_failed_check()
    {
        using var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = await postgres.CreateDatabaseAsync("verify");
        cli.Settings["Verify:BaseAddress"] = $"http://127.0.0.1:{FreePort.Next()}/";
        cli.Settings["Verify:LoadRequests"] = "5";
        cli.Settings["Verify:HealthRequests"] = "2";

        var result = await cli.RunAsync("verify", "--json");

        Assert.Equal(3, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(["health", "products", "login", "admin", "storefront", "response-time", "load", "integrity"],
            checks.Select(check => check.GetProperty("name").GetString()));
        Assert.All(checks, check => Assert.False(check.GetProperty("passed").GetBoolean()));
        Assert.Contains("users", checks[^1].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_reports_a_login_storm_and_a_tampered_platform_file_as_findings_with_exit_code_3()
    {
        var database = await postgres.CreateDatabaseAsync("audit");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // Only the columns the audit reads, as the platform's schema defines them.
            await using var command = new NpgsqlCommand("""
                CREATE TABLE users (email text, role text, created_at timestamptz, locked_until timestamptz);
                CREATE TABLE auth_events (at timestamptz, email text, client_address text, succeeded boolean, reason text);
                INSERT INTO auth_events SELECT now(), 'admin@o4o.local', '203.0.113.9', false, 'wrong password' FROM generate_series(1, 10);
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        using var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = database;
        var platform = Directory.CreateDirectory(Path.Combine(cli.Root, "platform")).FullName;
        await File.WriteAllTextAsync(Path.Combine(platform, "O4O.Platform.dll"), "deployed");

        var recorded = await cli.RunAsync("audit", "--platform-dir", platform, "--record-checksums");
        await File.WriteAllTextAsync(Path.Combine(platform, "O4O.Platform.dll"), "tampered");
        var result = await cli.RunAsync("audit", "--platform-dir", platform, "--json");

        Assert.Equal(0, recorded.ExitCode);
        Assert.Equal(3, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var storm = Assert.Single(json.RootElement.GetProperty("failedLogins").EnumerateArray());
        Assert.Equal(("203.0.113.9", 10), (storm.GetProperty("clientAddress").GetString(), storm.GetProperty("attempts").GetInt32()));
        var difference = Assert.Single(json.RootElement.GetProperty("checksumDifferences").EnumerateArray());
        Assert.Equal(("O4O.Platform.dll", "modified"), (difference.GetProperty("path").GetString(), difference.GetProperty("change").GetString()));
    }

    [Fact]
    public async Task Audit_of_a_platform_directory_that_does_not_exist_is_one_line()
    {
        using var cli = new CliRun();

        var result = await cli.RunAsync("audit", "--platform-dir", "/no/such/platform");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("o4o: The directory /no/such/platform does not exist.", Assert.Single(result.ErrorLines));
    }
}

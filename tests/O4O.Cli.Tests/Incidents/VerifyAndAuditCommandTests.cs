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
        using var cli = await AgainstADownPlatformAsync("verify");

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
    public async Task Verify_in_korean_says_each_check_in_korean_with_the_engines_english_detail_after_it()
    {
        using var cli = await AgainstADownPlatformAsync("verify_ko");
        try
        {
            var result = await cli.RunAsync("verify", "--lang", "ko");

            var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 8, result.Out);
            // The check's name, its time, then a Korean sentence up to the colon: English only in the detail after it.
            Assert.All(lines, line => Assert.Matches(@"^(통과|실패) [a-z-]+ +[0-9.]+ ms  [^A-Za-z:]+: ", line));
            Assert.Equal("검사 8개 중 8개가 실패했습니다.", result.Error.Trim());
        }
        finally
        {
            System.Globalization.CultureInfo.DefaultThreadCurrentUICulture = null;
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.InvariantCulture;
        }
    }

    [Fact]
    public async Task Audit_reports_a_login_storm_and_a_tampered_platform_file_as_findings_with_exit_code_3()
    {
        var database = await AuditedDatabaseAsync("audit",
            "INSERT INTO auth_events SELECT now(), 'admin@o4o.local', '203.0.113.9', false, 'wrong password' FROM generate_series(1, 10);");

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
    public async Task Audit_lists_what_changed_after_the_deploy_was_recorded_and_the_configuration_not_the_deployed_files()
    {
        var database = await AuditedDatabaseAsync("audit_deploy", "");

        using var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = database;
        cli.Home.EnsureCreated();
        await File.WriteAllTextAsync(cli.Home.ConfigurationFile, "{}");
        // A fresh build: every file was written minutes ago, then the deploy was recorded.
        var platform = Directory.CreateDirectory(Path.Combine(cli.Root, "platform")).FullName;
        foreach (var name in new[] { "O4O.Platform.dll", "O4O.Platform.deps.json", "appsettings.json" })
        {
            await File.WriteAllTextAsync(Path.Combine(platform, name), name);
            File.SetLastWriteTimeUtc(Path.Combine(platform, name), DateTime.UtcNow.AddMinutes(-5));
        }

        File.SetLastWriteTimeUtc(cli.Home.ConfigurationFile, DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(0, (await cli.RunAsync("audit", "--platform-dir", platform, "--record-checksums")).ExitCode);

        var fresh = await cli.RunAsync("audit", "--platform-dir", platform, "--json");
        await File.WriteAllTextAsync(cli.Home.ConfigurationFile, """{ "Nginx": { "Enabled": true } }""");
        var changed = await cli.RunAsync("audit", "--platform-dir", platform, "--json");

        Assert.Equal(0, fresh.ExitCode);
        using (var json = JsonDocument.Parse(fresh.Out))
        {
            Assert.Empty(json.RootElement.GetProperty("changedFiles").EnumerateArray());
            Assert.Empty(json.RootElement.GetProperty("checksumDifferences").EnumerateArray());
        }

        Assert.Equal(3, changed.ExitCode);
        using (var json = JsonDocument.Parse(changed.Out))
        {
            var file = Assert.Single(json.RootElement.GetProperty("changedFiles").EnumerateArray());
            Assert.Equal(cli.Home.ConfigurationFile, file.GetProperty("path").GetString());
            var difference = Assert.Single(json.RootElement.GetProperty("checksumDifferences").EnumerateArray());
            Assert.Equal((cli.Home.ConfigurationFile, "modified"), (difference.GetProperty("path").GetString(), difference.GetProperty("change").GetString()));
        }
    }

    [Fact]
    public async Task Audit_of_a_platform_directory_that_does_not_exist_is_one_line()
    {
        using var cli = new CliRun();

        var result = await cli.RunAsync("audit", "--platform-dir", "/no/such/platform");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("o4o: The directory /no/such/platform does not exist.", Assert.Single(result.ErrorLines));
    }

    // Only the tables and columns the audit reads, as the platform's schema defines them, then what a test adds.
    private async Task<string> AuditedDatabaseAsync(string name, string rows)
    {
        var database = await postgres.CreateDatabaseAsync(name);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            CREATE TABLE users (email text, role text, created_at timestamptz, locked_until timestamptz);
            CREATE TABLE auth_events (at timestamptz, email text, client_address text, succeeded boolean, reason text);
            {rows}
            """, connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    // An empty database and a platform address nobody listens on, with the load test kept small.
    private async Task<CliRun> AgainstADownPlatformAsync(string database)
    {
        var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = await postgres.CreateDatabaseAsync(database);
        cli.Settings["Verify:BaseAddress"] = $"http://127.0.0.1:{FreePort.Next()}/";
        cli.Settings["Verify:LoadRequests"] = "5";
        cli.Settings["Verify:HealthRequests"] = "2";
        return cli;
    }
}

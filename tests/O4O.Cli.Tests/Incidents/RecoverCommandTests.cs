using System.Globalization;
using System.Text.Json;
using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Incidents;

[Collection(LocalisedOutput.Collection)]
public sealed class RecoverCommandTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Fact]
    public async Task On_a_healthy_system_recover_says_so_and_records_nothing()
    {
        await using var platform = await StandInPlatform.StartAsync(200);
        using var cli = await CliAsync(platform.Port);

        var result = await cli.RunAsync("recover");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Nothing is wrong", result.Error, StringComparison.Ordinal);
        Assert.Equal("[]", (await cli.RunAsync("incident", "list", "--json")).Out.Trim());
    }

    [Fact]
    public async Task A_dry_run_shows_the_five_phases_and_records_nothing()
    {
        using var cli = await CliAsync(FreePort.Next());

        var result = await cli.RunAsync("recover", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["1. assess", "2. initial-response", "3. restore", "4. verify", "5. monitoring"],
            result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2])));
        Assert.Equal("[]", (await cli.RunAsync("incident", "list", "--json")).Out.Trim());
    }

    [Fact]
    public async Task With_the_platform_down_every_phase_goes_on_an_incident_and_the_report_is_written()
    {
        using var cli = await CliAsync(FreePort.Next());

        var result = await cli.RunAsync("recover");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("2. initial-response  MANUAL", result.Out, StringComparison.Ordinal);
        Assert.Contains("4. verify            FAILED", result.Out, StringComparison.Ordinal);
        using var shown = JsonDocument.Parse((await cli.RunAsync("incident", "show", "1", "--json")).Out);
        Assert.Equal("ServerDown", shown.RootElement.GetProperty("failureType").GetString());
        var phases = shown.RootElement.GetProperty("timeline").EnumerateArray()
            .Where(entry => entry.GetProperty("kind").GetString() == "Phase").Select(entry => entry.GetProperty("text").GetString()!).ToList();
        Assert.Equal(5, phases.Count);
        Assert.StartsWith("phase 1 assess: DONE — server down: platform down", phases[0], StringComparison.Ordinal);
        var report = await File.ReadAllTextAsync(Path.Combine(cli.Home.Root, "reports", "incident-1.md"));
        Assert.Contains("phase 4 verify: FAILED", report, StringComparison.Ordinal);
    }

    private async Task<CliRun> CliAsync(int platformPort)
    {
        var database = await postgres.CreateDatabaseAsync("recover");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE TABLE users (id int); CREATE TABLE products (id int); CREATE TABLE orders (id int);", connection);
            await command.ExecuteNonQueryAsync();
        }

        var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = database;
        cli.Settings["Platform:Port"] = platformPort.ToString(CultureInfo.InvariantCulture);
        cli.Settings["Verify:LoadRequests"] = "5";
        cli.Settings["Verify:HealthRequests"] = "1";
        return cli;
    }
}

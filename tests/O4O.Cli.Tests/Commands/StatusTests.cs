using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.Incidents;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Commands;

[Collection(LocalisedOutput.Collection)]
public sealed class StatusTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Fact]
    public async Task Status_json_shows_a_down_platform_and_exits_with_unhealthy()
    {
        using var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = await postgres.CreateDatabaseAsync("status");
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync("status", "--json");

        Assert.Equal(ExitCodes.Unhealthy, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.False(json.GetProperty("healthy").GetBoolean());
        Assert.False(json.GetProperty("conductor").GetProperty("running").GetBoolean());
        var database = Component(json, "database");
        Assert.Equal("healthy", database.GetProperty("state").GetString());
        Assert.Equal($"127.0.0.1:{postgres.Cluster.Port}", database.GetProperty("address").GetString());
        Assert.True(database.GetProperty("responseTimeMs").GetDouble() > 0);
        var platform = Component(json, "platform");
        Assert.Equal("down", platform.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, platform.GetProperty("responseTimeMs").ValueKind);
        Assert.False(string.IsNullOrEmpty(platform.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Status_exits_0_when_all_answer_and_shows_the_running_conductors_process_ids()
    {
        await using var platform = await StandInPlatform.StartAsync(healthStatus: 200);
        using var cli = await WithRunningConductorAsync(platform);

        var result = await cli.RunAsync("status", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.True(json.GetProperty("healthy").GetBoolean());
        Assert.Equal(Environment.ProcessId, json.GetProperty("conductor").GetProperty("pid").GetInt32());
        Assert.Equal(4242, Component(json, "database").GetProperty("pid").GetInt32());
        Assert.Equal(4343, Component(json, "platform").GetProperty("pid").GetInt32());
        Assert.Equal($"http://127.0.0.1:{platform.Port}", Component(json, "platform").GetProperty("address").GetString());
    }

    [Fact]
    public async Task A_platform_whose_full_health_check_fails_is_degraded_and_the_table_says_so()
    {
        await using var platform = await StandInPlatform.StartAsync(healthStatus: 503);
        using var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = await postgres.CreateDatabaseAsync("status");
        cli.Settings["Platform:Port"] = platform.Port.ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync("status");

        Assert.Equal(ExitCodes.Unhealthy, result.ExitCode);
        var row = Assert.Single(result.Out.Split('\n'), line => line.Contains("platform", StringComparison.Ordinal));
        Assert.Contains("degraded", row);
        Assert.Contains("HTTP 503 from /api/health", row);
    }

    [Fact]
    public async Task Without_a_conductor_a_table_missing_from_the_platforms_readiness_is_data_loss_and_so_is_the_storefronts_500()
    {
        await using var platform = await StandInPlatform.StartAsync(healthStatus: 503, missingTable: "products");
        using var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = await postgres.CreateDatabaseAsync("status");
        cli.Settings["Platform:Port"] = platform.Port.ToString(CultureInfo.InvariantCulture);

        var result = await cli.RunAsync("status", "--json");

        Assert.Equal(ExitCodes.Unhealthy, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        var database = Component(json, "database");
        Assert.Equal(("degraded", "dataLoss"), (database.GetProperty("state").GetString(), database.GetProperty("failureType").GetString()));
        Assert.Equal("readiness: 42P01 relation \"products\" does not exist", database.GetProperty("error").GetString());
        Assert.Equal("HTTP 503 from /api/health: schema: 42P01 relation \"products\" does not exist", Component(json, "platform").GetProperty("error").GetString());
        Assert.Equal("dataLoss", Component(json, "site").GetProperty("failureType").GetString());
    }

    [Fact]
    public async Task Status_in_Korean_says_what_is_wrong_with_the_backups_restores_and_data_in_Korean_with_the_engines_evidence_after_it()
    {
        await using var platform = await StandInPlatform.StartAsync(healthStatus: 503, missingTable: "products");
        using var cli = new CliRun();
        var connectionString = await postgres.CreateDatabaseAsync("status");
        cli.Settings["Database:ConnectionString"] = connectionString;
        cli.Settings["Platform:Port"] = platform.Port.ToString(CultureInfo.InvariantCulture);
        var live = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!;
        cli.Settings["Database:Name"] = live;
        await postgres.Cluster.EnsureDatabaseAsync($"{live}_broken_20260101_000000");

        var korean = await cli.RunAsync("status", "--lang", "ko");
        var english = await cli.RunAsync("status", "--lang", "en");

        Assert.Contains("손상이 감지되었습니다: readiness: 42P01 relation \"products\" does not exist", korean.Out, StringComparison.Ordinal);
        Assert.Contains("아직 백업이 없습니다: o4o backup create", korean.Out, StringComparison.Ordinal);
        Assert.Contains($"교체된 데이터베이스 1개 보관 중({live}_broken_*, _undone_*)", korean.Out, StringComparison.Ordinal);
        Assert.Contains("readiness: 42P01 relation \"products\" does not exist", english.Out, StringComparison.Ordinal);
        Assert.Contains("no backup yet: o4o backup create", english.Out, StringComparison.Ordinal);
        Assert.Contains($"1 replaced database(s) kept ({live}_broken_*, _undone_*)", english.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_says_which_background_job_stopped_after_an_error_and_was_restarted()
    {
        await using var platform = await StandInPlatform.StartAsync(healthStatus: 200);
        using var cli = await WithRunningConductorAsync(platform);
        // A real job meeting an exception it does not expect: the event retention on a file that is not a database.
        var broken = Path.Combine(cli.Root, "retention.db");
        var retention = new EventRetention(new EventLog(broken), TimeSpan.FromDays(90), TimeProvider.System);
        SqliteConnection.ClearAllPools();
        await File.WriteAllTextAsync(broken, new string('x', 4096));
        var events = new EventLog(cli.Home.StateDatabase);
        using var job = new BackgroundJob("event retention", retention.RunAsync, new SupervisionOptions { InitialBackoff = TimeSpan.FromHours(1) },
            events, TimeProvider.System, NullLogger.Instance);
        var gate = await RecoveryGate.LoadAsync(new Settings(cli.Home.StateDatabase), events, TimeProvider.System, CancellationToken.None);
        var state = new ConductorState(Environment.ProcessId, DateTimeOffset.UtcNow, [], gate, events,
            new IncidentBoard(new IncidentStore(cli.Home.StateDatabase), new EscalationOptions(), TimeProvider.System))
        {
            Jobs = [job],
        };
        await using var control = await ControlServer.StartAsync(cli.Home, state, NullLoggerFactory.Instance, CancellationToken.None);
        await job.StartAsync(CancellationToken.None);
        for (var waited = 0; job.Snapshot.LastErrorAt is null && waited < 200; waited++)
        {
            await Task.Delay(50);
        }

        var result = await cli.RunAsync("status");
        var korean = await cli.RunAsync("status", "--lang", "ko");
        var json = JsonDocument.Parse((await cli.RunAsync("status", "--json", "--lang", "en")).Out).RootElement;
        await job.StopAsync(CancellationToken.None);

        var line = Assert.Single(result.ErrorLines, line => line.StartsWith("event retention: ", StringComparison.Ordinal));
        Assert.Matches("^event retention: stopped after an error at [0-9-]+ [0-9:]+, restarted \\(1 restarts; last error: SqliteException: .+\\)$", line);
        Assert.Single(korean.ErrorLines, line => line.StartsWith("이벤트 보존: ", StringComparison.Ordinal) && line.Contains("오류로 멈춘 뒤 다시 시작됨", StringComparison.Ordinal));
        var reported = Assert.Single(json.GetProperty("jobs").EnumerateArray());
        Assert.Equal(("event retention", 1), (reported.GetProperty("name").GetString(), reported.GetProperty("restarts").GetInt32()));
        Assert.Contains(await events.RecentAsync(10), e => e.Seen.StartsWith("event retention stopped after an error: SqliteException: ", StringComparison.Ordinal));
    }

    // The record of a conductor that runs (this process), its children on the test's cluster and stand-in platform.
    private async Task<CliRun> WithRunningConductorAsync(StandInPlatform platform)
    {
        var cli = new CliRun();
        cli.Home.EnsureCreated();
        cli.Settings["Database:ConnectionString"] = await postgres.CreateDatabaseAsync("status");
        new ConductorRecord(Environment.ProcessId, DateTimeOffset.UtcNow,
            new ComponentRecord(4242, postgres.Cluster.Port, "127.0.0.1"),
            new ComponentRecord(4343, platform.Port, "127.0.0.1")).Write(cli.Home);
        return cli;
    }

    private static JsonElement Component(JsonElement status, string name) =>
        status.GetProperty("components").EnumerateArray().Single(component => component.GetProperty("name").GetString() == name);
}

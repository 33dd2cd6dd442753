using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Commands;

/// <summary>Commands read the context's clock, so a fake one shows what they say about time without waiting for it.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class FakeClockTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    private static readonly DateTimeOffset _alert = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Incident_show_and_list_count_the_duration_of_an_open_incident_by_the_contexts_clock()
    {
        var clock = new FakeTimeProvider(_alert);
        using var cli = new CliRun { Time = clock };
        await cli.RunAsync("incident", "open", "Checkout pages are slow", "--lang", "en");
        clock.Advance(TimeSpan.FromMinutes(90));

        var shown = await cli.RunAsync("incident", "show", "1", "--lang", "en");
        var listed = await cli.RunAsync("incident", "list", "--lang", "en");

        Assert.Contains("2026-11-26 14:00:00 UTC", shown.Out, StringComparison.Ordinal);
        Assert.Contains("1 h 30 min", shown.Out, StringComparison.Ordinal);
        Assert.Contains("1 h 30 min", listed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_list_and_status_age_a_backup_by_the_contexts_clock()
    {
        var clock = new FakeTimeProvider(_alert);
        using var cli = new CliRun { Time = clock }.UseDatabase(await postgres.CreateDatabaseAsync("clock"));
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var created = await cli.RunAsync("backup", "create");
        Assert.True(created.ExitCode == 0, created.Error);
        clock.Advance(TimeSpan.FromHours(30));

        var listed = await cli.RunAsync("backup", "list", "--lang", "en");
        var status = await cli.RunAsync("status", "--json", "--lang", "en");

        Assert.Equal("o4o_backup_20261126_140000.tar.gz", Path.GetFileName(created.Out.Trim()));
        Assert.Contains(" 30h ", listed.Out, StringComparison.Ordinal);
        Assert.Contains("o4o_backup_20261126_140000.tar.gz, 30 h old, verified: no", Backups(status).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_calls_the_newest_backup_stale_only_past_twice_its_schedules_interval_and_shows_the_room_for_the_next()
    {
        var clock = new FakeTimeProvider(_alert);
        using var cli = new CliRun { Time = clock }.UseDatabase(await postgres.CreateDatabaseAsync("stale"));
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        cli.Settings["Backup:Schedule"] = "0 * * * *";
        Assert.Equal(0, (await cli.RunAsync("backup", "create")).ExitCode);

        clock.Advance(TimeSpan.FromMinutes(110));
        var fresh = await cli.RunAsync("status", "--json", "--lang", "en");
        clock.Advance(TimeSpan.FromMinutes(20));
        // Korean first: --lang sets the process's UI culture, and the English run after it sets it back for the next test.
        var korean = await cli.RunAsync("status", "--json", "--lang", "ko");
        var stale = await cli.RunAsync("status", "--json", "--lang", "en");

        Assert.Equal("degraded", Backups(fresh).GetProperty("state").GetString());
        Assert.StartsWith("newest backup o4o_backup_20261126_140000.tar.gz (1.8 h old) is not verified", Backups(fresh).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("newest backup o4o_backup_20261126_140000.tar.gz is 2.2 h old (limit 2 h: Backup:AgeFactor times the schedule's interval)",
            Backups(stale).GetProperty("error").GetString());
        var space = Component(stale, "backup-space");
        Assert.Equal("healthy", space.GetProperty("state").GetString());
        Assert.Matches("^[0-9.]+ [KMG]iB free, the next backup needs [0-9.]+ KiB \\(previous archive [0-9.]+ KiB with Backup:SpaceMargin\\)$",
            space.GetProperty("detail").GetString());
        Assert.Matches("^여유 공간 [0-9.]+ [KMG]iB, 다음 백업에 필요한 공간 [0-9.]+ KiB\\(직전 아카이브 [0-9.]+ KiB에 Backup:SpaceMargin 포함\\)$",
            Component(korean, "backup-space").GetProperty("detail").GetString());
    }

    private static JsonElement Backups(CliResult status) => Component(status, "backups");

    private static JsonElement Component(CliResult status, string name) =>
        JsonDocument.Parse(status.Out).RootElement.GetProperty("components").EnumerateArray()
            .Single(component => component.GetProperty("name").GetString() == name);
}

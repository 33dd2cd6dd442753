using System.Globalization;
using System.Text.Json;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Commands;

/// <summary>
/// <c>o4o status</c> without a conductor shows WAL archiving from the managed cluster (pg_stat_archiver, the lag) and the
/// recovery window from pgBackRest's repository; with archiving off or an external database, one line says so.
/// </summary>
[Collection(LocalisedOutput.Collection)]
public sealed class StatusWalArchivingTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task Status_shows_the_last_archived_segment_lag_failures_and_the_recovery_window_once_a_backup_set_exists()
    {
        using var cli = Managed();
        await fixture.ScalarAsync("SELECT pg_switch_wal()");
        // Archiving is asynchronous: on a loaded machine the segment may not have been pushed yet.
        for (var tries = 0; tries < 150 && await fixture.ScalarAsync("SELECT last_archived_wal FROM pg_stat_archiver") is null or DBNull; tries++)
        {
            await Task.Delay(200);
        }

        var before = await StatusJsonAsync(cli);
        await fixture.PgBackRest.RunAsync("backup", ["--type=full"], CancellationToken.None);
        var since = (await fixture.PgBackRest.InfoAsync(CancellationToken.None)).RecoverableSince!.Value;
        var after = await StatusJsonAsync(cli);
        var english = await cli.RunAsync("status", "--lang", "en");
        var korean = await cli.RunAsync("status", "--lang", "ko");

        Assert.True(before.GetProperty("enabled").GetBoolean());
        Assert.Matches("^[0-9A-F]{24}$", before.GetProperty("lastArchivedWal").GetString()!);
        Assert.Equal(0, before.GetProperty("failedCount").GetInt64());
        Assert.False(before.GetProperty("failing").GetBoolean());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("recoverableSince").ValueKind);
        Assert.Contains("no backup set yet: no point-in-time restore possible", before.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(since, after.GetProperty("recoverableSince").GetDateTimeOffset());
        Assert.InRange(after.GetProperty("lagSeconds").GetDouble(), 0, 60);
        var row = Assert.Single(english.Out.Split('\n'), line => line.Contains("wal-archive", StringComparison.Ordinal));
        Assert.Contains("healthy", row, StringComparison.Ordinal);
        var window = since.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        Assert.Contains($"can restore to any moment since {window}", english.Out, StringComparison.Ordinal);
        Assert.Contains("last archived", english.Out, StringComparison.Ordinal);
        Assert.Contains($"{window} 이후 어느 시점으로든 복원 가능", korean.Out, StringComparison.Ordinal);
        Assert.Contains("아카이브 지연", korean.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_says_in_one_line_when_archiving_is_off_or_the_database_is_external()
    {
        using var off = Managed();
        off.Settings["Archiving:Enabled"] = "false";
        using var external = new CliRun().UseDatabase(fixture.Cluster.ConnectionString("postgres"));

        var disabled = await off.RunAsync("status", "--lang", "en");
        var elsewhere = await external.RunAsync("status", "--json");

        Assert.Single(disabled.ErrorLines, line => line.StartsWith("WAL archiving: off (Archiving:Enabled is false)", StringComparison.Ordinal));
        Assert.DoesNotContain("wal-archive", disabled.Out, StringComparison.Ordinal);
        var json = JsonDocument.Parse(elsewhere.Out).RootElement.GetProperty("walArchiving");
        Assert.False(json.GetProperty("enabled").GetBoolean());
        Assert.Equal("external", json.GetProperty("off").GetString());
    }

    private CliRun Managed()
    {
        var cli = new CliRun(fixture.Home.Root);
        cli.Settings["Database:Port"] = fixture.Cluster.Port.ToString(CultureInfo.InvariantCulture);
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        return cli;
    }

    private static async Task<JsonElement> StatusJsonAsync(CliRun cli) =>
        JsonDocument.Parse((await cli.RunAsync("status", "--json")).Out).RootElement.GetProperty("walArchiving").Clone();
}

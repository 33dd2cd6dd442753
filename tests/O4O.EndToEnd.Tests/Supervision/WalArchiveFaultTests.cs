using System.Text.Json;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// The conductor keeps watching WAL archiving after its start check: a repository the <c>postgres</c> user cannot write
/// to makes pgBackRest's asynchronous <c>archive-push</c> fail on the next finished segment, which must open an incident
/// on <c>wal-archive</c> naming the segment and pgBackRest's reason, and resolve it once the segment is archived.
/// </summary>
public sealed class WalArchiveFaultTests
{
    private const string Component = "wal-archive";
    private static readonly TimeSpan _lagThreshold = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _watchInterval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Archive_command_failing_on_an_unwritable_repository_opens_an_incident_within_the_threshold_and_recovers_when_it_works_again()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string>
        {
            ["O4O__Archiving__LagThreshold"] = _lagThreshold.ToString(),
            ["O4O__Archiving__WatchInterval"] = _watchInterval.ToString(),
            ["O4O__Archiving__Timeout"] = "00:00:01",
        });
        await up.WaitForEventsAsync(Component, events => events.Any(e => e.Kind == RecoveryEventKind.Note), TimeSpan.FromSeconds(60));
        // The conductor takes a full physical backup as soon as archiving is checked: it must not meet the broken repository.
        await up.WaitForEventsAsync("backups", events => events.Any(e => e.Done.StartsWith("ran pgbackrest backup", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(120));
        // pgBackRest writes each segment into a directory per WAL range under archive/<stanza>/<db-id>/; the postgres user
        // owns them all, so only their modes stop it (root, which runs the test, is not stopped by modes).
        var archive = Path.Combine(up.Home.PgBackRest, "repo", "archive");
        SetDirectoryModes(archive, (UnixFileMode)0b101_000_000);
        IReadOnlyList<RecoveryEvent> events;
        try
        {
            var broken = DateTimeOffset.UtcNow;
            await WriteTrafficAsync(up);
            events = await up.WaitForEventsAsync(Component, events => events.Any(e => e.Kind == RecoveryEventKind.Detected),
                _lagThreshold + _watchInterval + TimeSpan.FromSeconds(10));

            var detected = Assert.Single(events, e => e.Kind == RecoveryEventKind.Detected);
            Assert.True(detected.At - broken <= _lagThreshold + _watchInterval, $"detected {detected.At - broken} after the traffic");
            Assert.Contains("Permission denied", detected.Seen, StringComparison.Ordinal);
            Assert.Matches("segment [0-9A-F]{24}", detected.Seen);
            var incident = Assert.Single(await new IncidentStore(up.Home.StateDatabase).ListAsync(CancellationToken.None), i => i.ResolvedAt is null);
            Assert.Contains(Component, incident.Components);

            // o4o status shows it too, red, with pgBackRest's reason.
            var status = await up.CliAsync("status", "--json");
            var archiving = JsonDocument.Parse(status.StandardOutput).RootElement.GetProperty("walArchiving");
            Assert.True(archiving.GetProperty("failing").GetBoolean(), status.StandardOutput);
            Assert.Contains("Permission denied", archiving.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal("down", StatusRow(JsonDocument.Parse(status.StandardOutput).RootElement));

            // Still failing a few looks later: the same episode, no second detection.
            await Task.Delay(_lagThreshold + _watchInterval * 2);
            Assert.Single(await up.EventsAsync(Component), e => e.Kind == RecoveryEventKind.Detected);
        }
        finally
        {
            SetDirectoryModes(archive, (UnixFileMode)0b111_101_000);
        }

        // A new finished segment wakes PostgreSQL's archiver, which otherwise waits a minute after three failures.
        await WriteTrafficAsync(up);
        events = await up.WaitForEventsAsync(Component, events => events.Any(e => e.Kind == RecoveryEventKind.Recovered), TimeSpan.FromSeconds(60));
        Assert.Single(events, e => e.Kind == RecoveryEventKind.Detected);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await new IncidentStore(up.Home.StateDatabase).ListAsync(CancellationToken.None)).Any(i => i.ResolvedAt is null))
        {
            Assert.True(DateTime.UtcNow < deadline, "the wal-archive incident was not resolved after the recovery");
            await Task.Delay(100);
        }
    }

    private static string StatusRow(JsonElement status) =>
        status.GetProperty("components").EnumerateArray().Single(row => row.GetProperty("name").GetString() == Component).GetProperty("state").GetString()!;

    private static async Task WriteTrafficAsync(SupervisedUp up)
    {
        await using var database = up.Database();
        await using var write = database.CreateCommand(
            "CREATE TABLE IF NOT EXISTS archive_traffic (id int); INSERT INTO archive_traffic SELECT generate_series(1, 1000); SELECT pg_switch_wal()");
        await write.ExecuteNonQueryAsync();
    }

    private static void SetDirectoryModes(string root, UnixFileMode mode)
    {
        foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root))
        {
            File.SetUnixFileMode(directory, mode);
        }
    }
}

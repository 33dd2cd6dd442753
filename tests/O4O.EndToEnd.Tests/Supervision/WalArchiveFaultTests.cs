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
        await ArchiveRepository.WaitForCheckAndFirstBackupAsync(up);
        ArchiveRepository.MakeUnwritable(up);
        IReadOnlyList<RecoveryEvent> events;
        try
        {
            var broken = DateTimeOffset.UtcNow;
            await ArchiveRepository.WriteTrafficAsync(up);
            events = await up.WaitForEventsAsync(Component, events => events.Any(e => e.Kind == RecoveryEventKind.Detected),
                _lagThreshold + _watchInterval + TimeSpan.FromSeconds(10));

            var detected = Assert.Single(events, e => e.Kind == RecoveryEventKind.Detected);
            Assert.True(detected.At - broken <= _lagThreshold + _watchInterval, $"detected {detected.At - broken} after the traffic");
            Assert.Contains("Permission denied", detected.Seen, StringComparison.Ordinal);
            Assert.Matches("segment [0-9A-F]{24}", detected.Seen);
            // The incident follows the detection: the conductor opens it after writing the event.
            var incident = await OpenIncidentAsync(up);
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
            ArchiveRepository.MakeWritable(up);
        }

        await ArchiveRepository.WriteTrafficAsync(up);
        events = await up.WaitForEventsAsync(Component, events => events.Any(e => e.Kind == RecoveryEventKind.Recovered), TimeSpan.FromSeconds(60));
        Assert.Single(events, e => e.Kind == RecoveryEventKind.Detected);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await new IncidentStore(up.Home.StateDatabase).ListAsync(CancellationToken.None)).Any(i => i.ResolvedAt is null))
        {
            Assert.True(DateTime.UtcNow < deadline, "the wal-archive incident was not resolved after the recovery");
            await Task.Delay(100);
        }
    }

    private static async Task<Incident> OpenIncidentAsync(SupervisedUp up)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var open = (await new IncidentStore(up.Home.StateDatabase).ListAsync(CancellationToken.None)).Where(i => i.ResolvedAt is null).ToList();
            if (open.Count > 0 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(open);
            }

            await Task.Delay(100);
        }
    }

    private static string StatusRow(JsonElement status) =>
        status.GetProperty("components").EnumerateArray().Single(row => row.GetProperty("name").GetString() == Component).GetProperty("state").GetString()!;
}

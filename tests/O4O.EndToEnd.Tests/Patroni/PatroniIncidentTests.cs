using System.Globalization;
using O4O.Recovery.Control;
using O4O.Recovery.Patroni;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Patroni;

/// <summary>
/// What the conductor's Patroni watch puts on the record on a real cluster: a failover Patroni made is an incident, a
/// switchover asked with <c>o4o switchover</c> is not, and a standby whose Patroni stops answering is one until it answers.
/// </summary>
public sealed class PatroniIncidentTests
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    private static readonly Dictionary<string, string> _fastWatch = new() { ["O4O__Database__Patroni__WatchInterval"] = "00:00:00.500" };

    [Fact]
    public async Task A_switchover_opens_no_incident_but_a_failover_Patroni_made_opens_one_with_both_leaders_and_when_it_was_seen()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1, _fastWatch);
        var before = await patroni.WaitForTopologyAsync(
            topology => topology.Leader is not null && topology.Members.Any(member => member.Role == "sync_standby" && member.Lag == 0), TimeSpan.FromSeconds(60));
        var (first, second) = (before.Leader!.Name, before.Members.Single(member => member.Role == "sync_standby").Name);
        await PatroniTopologyTests.WaitForStatusMembersAsync(patroni.Up, members => members.Any(member => member.GetProperty("role").GetString() == "sync_standby"));

        var switched = await patroni.Up.CliAsync("switchover", second);

        Assert.True(switched.ExitCode == 0, $"{switched.ExitCode}: {switched.StandardError}");
        await patroni.Up.WaitForEventsAsync(PatroniEvents.Component,
            events => events.Any(e => e.Seen.StartsWith($"switchover done: {second} leads", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        // The new leader's timeline is published a loop later: no second move, no failover, once it is.
        await WholeAsync(patroni, leader: second, timelineAbove: before.Leader.Timeline!.Value);
        using var control = patroni.Up.Control();
        Assert.Empty(await OpenOnPatroniAsync(control));

        var failedOver = await FailoverAsync(patroni, candidate: first);

        Assert.True(failedOver.IsSuccessStatusCode, await failedOver.Content.ReadAsStringAsync());
        var events = await patroni.Up.WaitForEventsAsync(PatroniEvents.Component,
            events => events.Any(e => e.Kind == RecoveryEventKind.Detected), TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        events = await patroni.Up.EventsAsync(PatroniEvents.Component);
        Assert.True(events.Count(e => e.Kind == RecoveryEventKind.Detected) == 1, string.Join('\n', events));
        var detected = events.Single(e => e.Kind == RecoveryEventKind.Detected);
        Assert.StartsWith($"failover: {first} leads ", detected.Seen);
        Assert.Contains($"detected at {detected.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC", detected.Seen);
        Assert.Contains($"the old leader {second} (timeline", detected.Seen);
        Assert.Contains("was last seen leading at", detected.Seen);
        // The database's probe may have seen no read-write member for a moment and opened the incident the failover joins.
        var open = Assert.Single(await OpenOnPatroniAsync(control));
        Assert.Contains(open.Timeline, entry => entry.Component == PatroniEvents.Component && entry.Text.StartsWith("failover: ", StringComparison.Ordinal));
        Assert.Equal(FailureType.ServerDown, open.Incident.FailureType);
        // Escalated as any other failure: the first level's page is due.
        Assert.NotNull(open.NextEscalationAt);

        // The old leader rejoins as a standby: the cluster is whole and the incident resolves.
        await patroni.Up.WaitForEventsAsync(PatroniEvents.Component,
            events => events.Any(e => e.Kind == RecoveryEventKind.Recovered && e.Seen.StartsWith($"the cluster is whole again: {first} leads", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(90));
        await NoneOpenOnPatroniAsync(control);
    }

    [Fact]
    public async Task A_standby_whose_Patroni_is_frozen_opens_an_incident_that_resolves_when_it_answers_again()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1, _fastWatch);
        var topology = await patroni.WaitForTopologyAsync(
            topology => topology.Leader is not null && topology.Members.Any(member => member.Role == "sync_standby" && member.Lag == 0), TimeSpan.FromSeconds(60));
        var standby = topology.Members.Single(member => member.Role == "sync_standby").Name;
        await PatroniTopologyTests.WaitForStatusMembersAsync(patroni.Up, members => members.Any(member => member.GetProperty("role").GetString() == "sync_standby"));
        var component = PatroniEvents.MemberComponent(standby);
        var pid = PatroniPid(patroni, standby);

        UnixProcess.Signal(pid, SigStop);
        try
        {
            var detected = (await patroni.Up.WaitForEventsAsync(component, events => events.Any(e => e.Kind == RecoveryEventKind.Detected),
                TimeSpan.FromSeconds(30))).First(e => e.Kind == RecoveryEventKind.Detected);
            Assert.StartsWith($"member {standby} ", detected.Seen);
            using var control = patroni.Up.Control();
            var open = Assert.Single(await OpenOnPatroniAsync(control));
            Assert.Contains(component, open.Incident.Components);
            Assert.NotNull(open.NextEscalationAt);
            var members = await PatroniTopologyTests.WaitForStatusMembersAsync(patroni.Up,
                members => members.Any(member => member.GetProperty("name").GetString() == standby && !member.GetProperty("answering").GetBoolean()));
            Assert.Contains(members, member => member.GetProperty("name").GetString() == standby);
        }
        finally
        {
            UnixProcess.Signal(pid, SigCont);
        }

        await patroni.Up.WaitForEventsAsync(component, events => events.Any(e => e.Kind == RecoveryEventKind.Recovered), TimeSpan.FromSeconds(60));
        using var after = patroni.Up.Control();
        await NoneOpenOnPatroniAsync(after);
    }

    // The incident resolves once every component on it recovered: the database's probe, when it joined, a moment later.
    private static async Task NoneOpenOnPatroniAsync(ControlClient control)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<IncidentView> open;
        while ((open = await OpenOnPatroniAsync(control)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.True(open.Count == 0, string.Join('\n', open.SelectMany(view => view.Timeline).Select(entry => $"{entry.At:HH:mm:ss.fff} {entry.Kind} {entry.Component} {entry.Text}")));
    }

    private static async Task<IReadOnlyList<IncidentView>> OpenOnPatroniAsync(ControlClient control) =>
        [.. (await control.IncidentsAsync()).Where(view => view.Incident.Components.Any(component => component.StartsWith(PatroniEvents.Component, StringComparison.Ordinal)))];

    // Patroni's manual failover: what an operator's patronictl failover does, without the conductor knowing.
    private static async Task<HttpResponseMessage> FailoverAsync(PatroniUp patroni, string candidate)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        // A string body carries its Content-Length: Patroni's REST server refuses a chunked one.
        using var body = new StringContent($"{{\"candidate\": \"{candidate}\"}}", System.Text.Encoding.UTF8, "application/json");
        return await client.PostAsync(new Uri($"http://127.0.0.1:{patroni.RestPorts[0]}/failover"), body);
    }

    // Every member running and answering, the leader on a later timeline, as the conductor's watch last read them.
    private static Task<IReadOnlyList<System.Text.Json.JsonElement>> WholeAsync(PatroniUp patroni, string leader, long timelineAbove) =>
        PatroniTopologyTests.WaitForStatusMembersAsync(patroni.Up, members =>
            members.Any(member => member.GetProperty("name").GetString() == leader && member.GetProperty("role").GetString() == "leader"
                && member.GetProperty("timeline").GetInt64() > timelineAbove)
            && members.All(member => member.GetProperty("answering").GetBoolean()
                && member.GetProperty("state").GetString() is "running" or "streaming"));

    private static int PatroniPid(PatroniUp patroni, string member)
    {
        var configuration = Path.Combine(patroni.Up.Home.Patroni, member, "patroni.yml");
        return Directory.GetDirectories("/proc")
            .Select(directory => (Pid: int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0, Directory: directory))
            .Where(process => process.Pid > 0)
            .Single(process => Read(Path.Combine(process.Directory, "cmdline")).Split('\0').Contains(configuration)
                && Read(Path.Combine(process.Directory, "cmdline")).Contains("patroni", StringComparison.Ordinal)
                && !Read(Path.Combine(process.Directory, "cmdline")).StartsWith("/bin/sh", StringComparison.Ordinal)).Pid;
    }

    private static string Read(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (IOException)
        {
            return "";
        }
    }
}

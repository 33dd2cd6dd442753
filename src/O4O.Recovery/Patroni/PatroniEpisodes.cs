using System.Globalization;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Patroni;

/// <summary>
/// Decides, look by look, what in a Patroni cluster is a failure. A failover — the leader changed, or its timeline rose,
/// with no <c>o4o switchover</c> asked — is detected once and recovered when every member is back (running, answering,
/// within <see cref="Configuration.PatroniOptions.MaxLagBytes"/>). A standby that stopped, whose Patroni does not answer,
/// that Patroni no longer lists or that trails by more than that limit is an episode of its own (component
/// <c>patroni:NAME</c>), recovered when it is back. Patroni promotes and restarts; this only says what happened.
/// </summary>
/// <param name="maxLagBytes">How far a standby may trail the leader.</param>
internal sealed class PatroniEpisodes(long maxLagBytes)
{
    // The old leader stops and restarts as a standby after a switchover: that is the move asked for, not a failure.
    private static readonly TimeSpan _switchoverSettles = TimeSpan.FromSeconds(30);

    // A standby still being copied from the leader when the conductor starts is coming up, not failing: it is judged once
    // it was healthy, or after this long.
    private static readonly TimeSpan _comingUp = TimeSpan.FromMinutes(5);
    private readonly SortedSet<string> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wasHealthy = new(StringComparer.Ordinal);
    private (string Name, long? Timeline, DateTimeOffset SeenAt)? _leader;
    private DateTimeOffset _movedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _settledAt = DateTimeOffset.MinValue;
    private bool _failover;
    // Patroni publishes a new leader's timeline a loop or two after the leader itself (none, then the old one): the rise
    // that follows is the same move.
    private bool _timelineToCome;
    private long? _timelineBeforeMove;

    /// <summary>
    /// <paramref name="observation"/> with the members seen before and no longer listed added as <c>absent</c>, and the
    /// events that open or close an episode. <paramref name="switchoverAskedAt"/>: when <c>o4o switchover</c> was last
    /// asked (recently), which explains the first leader move after it; until that move has settled a member stopping or
    /// restarting is part of it (one still down afterwards is detected then).
    /// </summary>
    public (PatroniObservation Observation, IReadOnlyList<RecoveryEvent> Events) Look(PatroniObservation observation, DateTimeOffset? switchoverAskedAt)
    {
        if (observation.Error is not null)
        {
            // Nothing answered: the database's own probe reports a cluster that serves nobody.
            return (observation, []);
        }

        _known.UnionWith(observation.Members.Select(member => member.Name));
        var seen = observation with
        {
            Members = [.. _known.Select(name => observation.Members.FirstOrDefault(member => member.Name == name)
                ?? new PatroniMemberView(name, "", "absent", null, null, false))],
        };
        var events = new List<RecoveryEvent>();
        var now = observation.At;
        if (seen.Leader is { } leader)
        {
            var sameLeader = _leader is { } published && published.Name == leader.Name;
            if (sameLeader && _timelineToCome)
            {
                _timelineToCome = !(leader.Timeline > _timelineBeforeMove);
            }
            else if (_leader is { } before && (!sameLeader || leader.Timeline > before.Timeline))
            {
                _timelineBeforeMove = before.Timeline;
                _timelineToCome = !(leader.Timeline > before.Timeline);
                var wanted = switchoverAskedAt > _movedAt;
                _movedAt = now;
                _settledAt = wanted ? now + _switchoverSettles : _settledAt;
                events.Add(wanted
                    ? new RecoveryEvent(now, PatroniEvents.Component, RecoveryEventKind.Note,
                        $"switchover done: {leader.Name} leads {OnTimeline(leader, before)} (was {before.Name} on {Timeline(before.Timeline)})")
                    : _failover
                    // One failover, however many moves it takes to settle: the incident is open already.
                    ? new RecoveryEvent(now, PatroniEvents.Component, RecoveryEventKind.Note,
                        $"the leader moved again: {leader.Name} leads {OnTimeline(leader, before)} (was {before.Name})")
                    : Failover(before, leader, now));
            }

            _leader = (leader.Name, leader.Timeline ?? (sameLeader ? _leader!.Value.Timeline : null), now);
        }

        var switching = switchoverAskedAt > _movedAt || now < _settledAt;
        foreach (var member in seen.Members)
        {
            var problem = member.IsLeader && member == seen.Leader ? null : Problem(member);
            var firstSeen = _firstSeen.TryAdd(member.Name, now) ? now : _firstSeen[member.Name];
            if (problem is null)
            {
                _wasHealthy.Add(member.Name);
            }

            var judged = _wasHealthy.Contains(member.Name) || now - firstSeen > _comingUp;
            if (problem is not null && judged && !switching && _failing.Add(member.Name))
            {
                events.Add(new RecoveryEvent(now, PatroniEvents.MemberComponent(member.Name), RecoveryEventKind.Detected,
                    $"member {member.Name} {problem}", "watching Patroni's REST API",
                    "Patroni brings it back; until then a failover has one member fewer to promote", FailureType.ServerDown));
            }
            else if (problem is null && _failing.Remove(member.Name))
            {
                events.Add(new RecoveryEvent(now, PatroniEvents.MemberComponent(member.Name), RecoveryEventKind.Recovered,
                    $"{member.Name} is back: {member.Role}, {member.State}{Lag(member)}"));
            }
        }

        if (_failover && seen.Leader is { } whole && seen.Members.All(member => member == whole || Problem(member) is null))
        {
            _failover = false;
            events.Add(new RecoveryEvent(now, PatroniEvents.Component, RecoveryEventKind.Recovered,
                $"the cluster is whole again: {whole.Name} leads on {Timeline(whole.Timeline)}, "
                + string.Join(", ", seen.Members.Where(member => member != whole).Select(member => $"{member.Name} {member.State}{Lag(member)}"))));
        }

        return (seen, events);
    }

    private RecoveryEvent Failover((string Name, long? Timeline, DateTimeOffset SeenAt) before, PatroniMemberView leader, DateTimeOffset now)
    {
        _failover = true;
        return new RecoveryEvent(now, PatroniEvents.Component, RecoveryEventKind.Detected,
            $"failover: {leader.Name} leads {OnTimeline(leader, before)}, detected at {Time(now)}; "
            + $"the old leader {before.Name} ({Timeline(before.Timeline)}) was last seen leading at {Time(before.SeenAt)}; no o4o switchover was asked",
            "Patroni promoted the new leader; the conductor does not restart or promote PostgreSQL in Patroni mode",
            "the platform reconnects to the new leader through its multi-host connection string", FailureType.ServerDown);
    }

    private string? Problem(PatroniMemberView member) =>
        member.State == "absent" ? "is no longer listed by Patroni (its Patroni stopped, or lost etcd)"
        : !member.Answering ? $"does not answer on its Patroni REST API (last state {member.State})"
        : member.State is not ("running" or "streaming") ? $"is {member.State}"
        : member.LagBytes > maxLagBytes ? string.Create(CultureInfo.InvariantCulture, $"trails the leader by {member.LagBytes} bytes of WAL (limit {maxLagBytes})")
        : null;

    private static string OnTimeline(PatroniMemberView leader, (string Name, long? Timeline, DateTimeOffset SeenAt) before) =>
        leader.Timeline > before.Timeline ? $"on {Timeline(leader.Timeline)}" : "(its new timeline not published yet)";

    private static string Timeline(long? timeline) => timeline is { } known ? string.Create(CultureInfo.InvariantCulture, $"timeline {known}") : "timeline unknown";

    private static string Lag(PatroniMemberView member) =>
        member.LagBytes is { } lag ? string.Create(CultureInfo.InvariantCulture, $", lag {lag} bytes") : "";

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

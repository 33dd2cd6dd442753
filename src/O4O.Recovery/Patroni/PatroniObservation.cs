using System.Text.Json.Serialization;

namespace O4O.Recovery.Patroni;

/// <summary>
/// The Patroni cluster as read at one moment: <c>/cluster</c> from any member, and whether each member's own REST API
/// answered <c>/health</c>. What <c>o4o status</c> and the dashboard show, and what the conductor's watch judges.
/// </summary>
/// <param name="At">When it was read.</param>
/// <param name="Members">Every member, in name order; members the watch saw before and Patroni no longer lists are <c>absent</c>.</param>
/// <param name="Error">Why nothing could be read (no member's REST API answered), else null.</param>
public sealed record PatroniObservation(DateTimeOffset At, IReadOnlyList<PatroniMemberView> Members, string? Error = null)
{
    /// <summary>The running leader, or null during an election or when nothing answered.</summary>
    [JsonIgnore]
    public PatroniMemberView? Leader => Members.FirstOrDefault(member => member.IsLeader && member.State == "running");
}

/// <summary>One member as <c>o4o status</c> and the dashboard show it.</summary>
/// <param name="Name">Its name in Patroni (<c>pg0</c>).</param>
/// <param name="Role"><c>leader</c>, <c>sync_standby</c> or <c>replica</c>; empty for an absent member.</param>
/// <param name="State">Patroni's state (<c>running</c>, <c>streaming</c>, <c>stopped</c>, <c>starting</c>, …), or <c>absent</c>.</param>
/// <param name="Timeline">Its timeline.</param>
/// <param name="LagBytes">Bytes of WAL behind the leader; null for the leader or when Patroni cannot tell.</param>
/// <param name="Answering">True when its Patroni's REST API answered (a stopped or frozen Patroni does not).</param>
public sealed record PatroniMemberView(string Name, string Role, string State, long? Timeline, long? LagBytes, bool Answering)
{
    /// <summary>True for the leader.</summary>
    [JsonIgnore]
    public bool IsLeader => Role is "leader" or "standby_leader";
}

using O4O.Recovery.Supervision;

namespace O4O.Recovery.Patroni;

/// <summary>How a Patroni cluster appears in events and incidents, for the conductor's watch and <c>o4o switchover</c>.</summary>
public static class PatroniEvents
{
    /// <summary>The cluster's component: failovers and switchovers.</summary>
    public const string Component = "patroni";

    private const string SwitchoverSeen = "switchover asked";

    /// <summary>One member's component (<c>patroni:pg1</c>).</summary>
    public static string MemberComponent(string member) => $"{Component}:{member}";

    /// <summary>The event <c>o4o switchover</c> records before it asks Patroni, which tells the watch the move was wanted.</summary>
    public static RecoveryEvent SwitchoverAsked(DateTimeOffset at, string leader, string? candidate, string actor) =>
        new(at, Component, RecoveryEventKind.Action, $"{SwitchoverSeen}: from {leader} to {candidate ?? "a standby Patroni picks"}",
            "through Patroni's REST API (POST /switchover)", Actor: actor);

    /// <summary>True for an event <see cref="SwitchoverAsked"/> made.</summary>
    public static bool IsSwitchoverAsked(RecoveryEvent recoveryEvent) =>
        recoveryEvent.Component == Component && recoveryEvent.Kind == RecoveryEventKind.Action
        && recoveryEvent.Seen.StartsWith(SwitchoverSeen, StringComparison.Ordinal);
}

using O4O.Cli.Resources;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>The engine's enums in words people read, localised: an enum's name (<c>GaveUp</c>) is for code and JSON.</summary>
internal static class PeopleText
{
    public static string Failure(FailureType type) => type switch
    {
        FailureType.ServerDown => Strings.FailureServerDown,
        FailureType.DatabaseDamage => Strings.FailureDatabaseDamage,
        FailureType.NetworkFailure => Strings.FailureNetworkFailure,
        FailureType.SecurityBreach => Strings.FailureSecurityBreach,
        FailureType.DataLoss => Strings.FailureDataLoss,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string State(ComponentState state) => state switch
    {
        ComponentState.Starting => Strings.StateStarting,
        ComponentState.Running => Strings.StateRunning,
        ComponentState.Failing => Strings.StateFailing,
        ComponentState.Restarting => Strings.StateRestarting,
        ComponentState.Down => Strings.StateDown,
        ComponentState.GaveUp => Strings.StateGaveUp,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}

using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>The engine's enums in words people read, localised: an enum's name (<c>GaveUp</c>) is for code and JSON.</summary>
internal static class PeopleText
{
    public static string Failure(FailureType type) => IncidentText.Failure(type, CultureInfo.CurrentUICulture);

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

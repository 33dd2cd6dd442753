using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// What the running conductor of a home says about itself over its control API: a command typed in another shell
/// lacks the <c>O4O__*</c> variables the conductor was started with, so it asks rather than guesses.
/// </summary>
internal static class ConductorQuery
{
    /// <summary>The conductor's status, or null when none runs for <paramref name="home"/> or it does not answer.</summary>
    public static async Task<ControlStatus?> StatusAsync(O4OHome home, CancellationToken cancellationToken)
    {
        if (ConductorRecord.ReadRunning(home) is null)
        {
            return null;
        }

        using var control = new ControlClient(home, TimeSpan.FromSeconds(3));
        try
        {
            return await control.StatusAsync(cancellationToken);
        }
        catch (ConductorUnreachableException)
        {
            return null;
        }
    }

    /// <summary>The configuration the running conductor uses, or null without one.</summary>
    public static async Task<ConductorConfiguration?> ConfigurationAsync(O4OHome home, CancellationToken cancellationToken) =>
        (await StatusAsync(home, cancellationToken))?.Configuration;
}

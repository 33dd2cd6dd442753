using O4O.Cli.Resources;
using O4O.Recovery.Control;

namespace O4O.Cli.Commands;

/// <summary>Runs a request against the running conductor's control API; no conductor, or a refusal, is one clear line.</summary>
internal static class UpControl
{
    /// <summary>Who a CLI request is recorded as: the operating-system user.</summary>
    public static string Actor => $"{Environment.UserName} (cli)";

    public static async Task<int> RunAsync(CliContext context, Func<ControlClient, Task<int>> request)
    {
        using var client = new ControlClient(context.Home);
        try
        {
            return await request(client);
        }
        catch (ConductorUnreachableException)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.ErrorConductorUnreachable, ControlServer.SocketPath(context.Home)));
            return ExitCodes.EnvironmentError;
        }
        catch (ControlRequestException refused)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.ErrorControlRefused, refused.Message));
            return ExitCodes.UsageError;
        }
    }
}

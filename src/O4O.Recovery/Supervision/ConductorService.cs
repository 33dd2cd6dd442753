using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Hosting;

namespace O4O.Recovery.Supervision;

/// <summary>
/// <c>o4o up</c>'s hosted service: runs the <see cref="Conductor"/> until the host stops (SIGTERM, Ctrl+C), and stops the
/// host when the conductor ends on its own (the platform never came up, or it could not start), keeping how it ended
/// for the command's exit code and message.
/// </summary>
public sealed class ConductorService(Conductor conductor, IHostApplicationLifetime lifetime) : BackgroundService
{
    /// <summary>The child that exited when the platform never came up; null after a requested stop.</summary>
    public ComponentExit? Exit { get; private set; }

    /// <summary>Why the conductor could not run (a port in use, another conductor), or null.</summary>
    public ExceptionDispatchInfo? Failure { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            Exit = await conductor.RunAsync(stoppingToken);
        }
        catch (Exception exception)
        {
            // Not left to the host, which would log it and stop: the command reports it in one line with its exit code.
            Failure = ExceptionDispatchInfo.Capture(exception);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}

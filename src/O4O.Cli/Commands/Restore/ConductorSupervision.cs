using O4O.Cli.Resources;
using O4O.Recovery.Control;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;
using O4O.Recovery.Restore;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// The running conductor's part in <c>o4o restore --full</c>: a maintenance window while the cluster is replaced (unless a
/// person's is open already), and the replaced cluster started by the conductor's restart of the database.
/// </summary>
/// <param name="context">The command's context.</param>
/// <param name="actor">Who restores.</param>
internal sealed class ConductorSupervision(CliContext context, string actor) : IClusterSupervision
{
    // A clean start takes seconds; the conductor's own wait for one is a minute.
    private static readonly TimeSpan _startWait = TimeSpan.FromMinutes(3);

    /// <summary>Refuses at once, before anything is restored, when no conductor answers.</summary>
    /// <exception cref="RestoreRefusedException">No conductor runs for the home.</exception>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        using var control = new ControlClient(context.Home);
        try
        {
            await control.StatusAsync(cancellationToken);
        }
        catch (ConductorUnreachableException)
        {
            throw new RestoreRefusedException(Strings.PitrFullNeedsConductor);
        }
    }

    public async Task<IAsyncDisposable> HoldRestartsAsync(CancellationToken cancellationToken)
    {
        await EnsureRunningAsync(cancellationToken);
        return new Window(context, actor, await ConductorRestarts.PauseAsync(context, actor, cancellationToken));
    }

    public async Task StartDatabaseAsync(CancellationToken cancellationToken)
    {
        using var control = new ControlClient(context.Home, _startWait);
        if (!await control.RestartAndWaitAsync(Conductor.DatabaseComponent, actor, _startWait, context.Time, cancellationToken))
        {
            throw new ClusterStartException(Text.Format(Strings.PitrFullNotStarted, _startWait.TotalMinutes));
        }
    }

    private sealed class Window(CliContext context, string actor, bool began) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (began)
            {
                await ConductorRestarts.ResumeAsync(context, actor);
            }
        }
    }
}

using System.Globalization;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Postgres;
using O4O.Recovery.Restore;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The database server under supervision. A restart of the managed cluster waits for PostgreSQL's crash recovery
/// (it accepts connections only after it) and is verified with a query in the platform's database. A database left
/// refusing connections by a killed restore is put right here, at start and when a probe sees it: restarting the server
/// would not change it.
/// </summary>
internal sealed class DatabaseChild(SupervisedDatabaseServer server, DatabaseTarget target, IConductorObserver observer, SupervisionOptions supervision,
    InterruptedRestore? interrupted = null) : ISupervisedChild
{
    /// <inheritdoc />
    public string Name => Conductor.DatabaseComponent;

    /// <inheritdoc />
    public int? ProcessId => server.ProcessId;

    /// <inheritdoc />
    public bool CanRestart => server.IsManaged;

    /// <inheritdoc />
    public Task<int> Exited => server.Exited;

    /// <inheritdoc />
    public async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await server.StartAsync(observer, cancellationToken);
        }
        catch (ClusterStartException exception)
        {
            return exception.Message;
        }
        catch (ComponentPortInUseException exception)
        {
            return exception.Message;
        }

        await RepairInterruptedRestoreAsync(cancellationToken);
        var verified = await DatabaseProbe.ProbeAsync(target.ToConnectionString(), supervision.StopTimeout, cancellationToken);
        return verified.Healthy
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"started, but the probe failed: {verified.Error}");
    }

    /// <inheritdoc />
    public Task StopAsync(bool graceful) => server.StopAsync(graceful ? supervision.StopTimeout : TimeSpan.Zero);

    /// <inheritdoc />
    public async Task<ProbeResult> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var probe = await DatabaseProbe.ProbeAsync(target.ToConnectionString(), timeout, cancellationToken);
        return probe.ServerAnswered && await RepairInterruptedRestoreAsync(cancellationToken)
            ? await DatabaseProbe.ProbeAsync(target.ToConnectionString(), timeout, cancellationToken)
            : probe;
    }

    /// <summary>Finishes or rolls back a killed restore's swap (<see cref="InterruptedRestore"/>); true when it did either.</summary>
    public async Task<bool> RepairInterruptedRestoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            return interrupted is not null && await interrupted.RepairAsync(cancellationToken) is not null;
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or DatabaseUnavailableException or IOException)
        {
            // The probe that follows says what is wrong; the next one tries again.
            return false;
        }
    }
}

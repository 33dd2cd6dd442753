using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The database server under supervision. A restart of the managed cluster waits for PostgreSQL's crash recovery
/// (it accepts connections only after it) and is verified with <c>SELECT 1</c> in the platform's database.
/// </summary>
public sealed class DatabaseChild(SupervisedDatabaseServer server, DatabaseTarget target, IConductorObserver observer, SupervisionOptions supervision)
    : ISupervisedChild
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

        var verified = await DatabaseProbe.ProbeAsync(target.ToConnectionString(), supervision.StopTimeout, cancellationToken);
        return verified.Healthy
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"started, but SELECT 1 failed: {verified.Error}");
    }

    /// <inheritdoc />
    public Task StopAsync(bool graceful) => server.StopAsync(graceful ? supervision.StopTimeout : TimeSpan.Zero);

    /// <inheritdoc />
    public Task<ProbeResult> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        DatabaseProbe.ProbeAsync(target.ToConnectionString(), timeout, cancellationToken);
}

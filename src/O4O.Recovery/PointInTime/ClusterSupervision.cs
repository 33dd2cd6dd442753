namespace O4O.Recovery.PointInTime;

/// <summary>
/// What a full-cluster restore needs from whoever runs the live cluster (the conductor): its restarts held while the data
/// directory is replaced, so the stopped server is not started again under the restore, and the replaced cluster
/// started by it, so it stays its supervised child.
/// </summary>
public interface IClusterSupervision
{
    /// <summary>Holds every restart until the returned handle is disposed.</summary>
    /// <exception cref="Restore.RestoreRefusedException">No conductor runs the cluster.</exception>
    Task<IAsyncDisposable> HoldRestartsAsync(CancellationToken cancellationToken);

    /// <summary>Starts the database server and waits until it runs.</summary>
    /// <exception cref="Postgres.ClusterStartException">It is not running in time.</exception>
    Task StartDatabaseAsync(CancellationToken cancellationToken);
}

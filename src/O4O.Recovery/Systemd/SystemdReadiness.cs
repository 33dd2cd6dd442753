using Microsoft.Extensions.Hosting.Systemd;
using O4O.Recovery.Health;
using O4O.Recovery.Notifications;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Systemd;

/// <summary>
/// Tells systemd (a <c>Type=notify</c> unit, <c>o4o install --systemd</c>) when the conductor is ready and when it stops,
/// passing every report on to <paramref name="inner"/>. Ready is the moment the platform answers and the control API and
/// dashboard listen, not the moment the process starts: <c>UseSystemd()</c>'s lifetime would say READY=1 when the host
/// has started, which for the conductor is before the cluster is even created.
/// </summary>
public sealed class SystemdReadiness(IConductorObserver inner, ISystemdNotifier notifier) : IConductorObserver
{
    /// <inheritdoc />
    public void OrphanStopped(string component, int pid) => inner.OrphanStopped(component, pid);

    /// <inheritdoc />
    public void ClusterInitialized(string dataDirectory) => inner.ClusterInitialized(dataDirectory);

    /// <inheritdoc />
    public void DatabaseCreated(string name) => inner.DatabaseCreated(name);

    /// <inheritdoc />
    public void PlatformStarting(Uri baseAddress)
    {
        inner.PlatformStarting(baseAddress);
        notifier.Notify(new ServiceState($"STATUS=starting the platform on {baseAddress}"));
    }

    /// <inheritdoc />
    public void Ready(Uri baseAddress, DatabaseTarget database, Uri? dashboard)
    {
        inner.Ready(baseAddress, database, dashboard);
        notifier.Notify(new ServiceState($"READY=1\nSTATUS=serving on {baseAddress}"));
    }

    /// <inheritdoc />
    public void DashboardUnavailable(string address, string reason) => inner.DashboardUnavailable(address, reason);

    /// <inheritdoc />
    public void NotificationsUnconfigured(NotificationGap gap) => inner.NotificationsUnconfigured(gap);

    /// <inheritdoc />
    public void ProxyReady(Uri address) => inner.ProxyReady(address);

    /// <inheritdoc />
    public void ComponentExited(string component, int exitCode) => inner.ComponentExited(component, exitCode);

    /// <inheritdoc />
    public void Stopping()
    {
        notifier.Notify(ServiceState.Stopping);
        inner.Stopping();
    }
}

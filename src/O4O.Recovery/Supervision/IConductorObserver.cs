using O4O.Recovery.Health;
using O4O.Recovery.Notifications;

namespace O4O.Recovery.Supervision;

/// <summary>What the conductor reports as it works; the CLI renders it (localised) for the operator.</summary>
public interface IConductorObserver
{
    /// <summary>A <paramref name="component"/> left running by a conductor that was killed was stopped.</summary>
    void OrphanStopped(string component, int pid);

    /// <summary>A new managed cluster was created in <paramref name="dataDirectory"/>.</summary>
    void ClusterInitialized(string dataDirectory);

    /// <summary>The platform's database <paramref name="name"/> was created.</summary>
    void DatabaseCreated(string name);

    /// <summary>The platform process was started and is being waited for.</summary>
    void PlatformStarting(Uri baseAddress);

    /// <summary>
    /// Everything answers: the platform at <paramref name="baseAddress"/>, its data in <paramref name="database"/>, the
    /// monitoring dashboard at <paramref name="dashboard"/> (null when it is turned off or could not listen).
    /// </summary>
    void Ready(Uri baseAddress, DatabaseTarget database, Uri? dashboard);

    /// <summary>The dashboard could not listen on <paramref name="address"/> (port taken, bad address); supervision goes on without it.</summary>
    void DashboardUnavailable(string address, string reason);

    /// <summary>Pages would reach nobody: no notification channel, or channels the escalation matrix names are missing.</summary>
    void NotificationsUnconfigured(NotificationGap gap);

    /// <summary>nginx answers in front of the platform at <paramref name="address"/>.</summary>
    void ProxyReady(Uri address);

    /// <summary>A child exited without being asked to.</summary>
    void ComponentExited(string component, int exitCode);

    /// <summary>A stop was requested and the children are being stopped.</summary>
    void Stopping();
}

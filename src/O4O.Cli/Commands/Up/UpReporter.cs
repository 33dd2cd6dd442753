using O4O.Cli.Resources;
using O4O.Recovery.Health;
using O4O.Recovery.Notifications;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>Tells the operator, on stderr, what the conductor does and where to go once it is up.</summary>
internal sealed class UpReporter(TextWriter error) : IConductorObserver
{
    public void OrphanStopped(string component, int pid) => Say(Strings.UpOrphanStopped, component, pid);

    public void ClusterInitialized(string dataDirectory) => Say(Strings.UpClusterInitialized, dataDirectory);

    public void DatabaseCreated(string name) => Say(Strings.UpDatabaseCreated, name);

    public void PlatformStarting(Uri baseAddress) => Say(Strings.UpPlatformStarting, baseAddress);

    public void Ready(Uri baseAddress, DatabaseTarget database, Uri? dashboard)
    {
        Say(Strings.UpReady);
        Say(Strings.UpStorefront, baseAddress);
        Say(Strings.UpAdmin, new Uri(baseAddress, "admin"));
        Say(Strings.UpHealth, new Uri(baseAddress, "api/health"));
        if (dashboard is not null)
        {
            Say(Strings.UpDashboard, dashboard);
        }

        Say(Strings.UpDatabase, database.ToUri(showSecrets: false));
        Say(Strings.UpPressCtrlC);
    }

    public void DashboardUnavailable(string address, string reason) => Say(Strings.UpDashboardUnavailable, address, reason);

    public void NotificationsUnconfigured(NotificationGap gap)
    {
        var channel = gap.MissingChannels.Count > 0 ? gap.MissingChannels[0] : "ops";
        if (gap.NoneConfigured)
        {
            Say(Strings.UpNoNotificationChannel, channel);
        }
        else
        {
            Say(Strings.UpMissingNotificationChannels, string.Join(", ", gap.MissingChannels), channel);
        }
    }

    public void ProxyReady(Uri address) => Say(Strings.UpProxyReady, address);

    public void ComponentExited(string component, int exitCode)
    {
        if (ExitStatus.Signal(exitCode) is { } signal)
        {
            Say(Strings.UpComponentKilled, component, ExitStatus.SignalText(signal));
        }
        else
        {
            Say(Strings.UpComponentExited, component, exitCode);
        }
    }

    public void Stopping() => Say(Strings.UpStopping);

    private void Say(string format, params object[] arguments)
    {
        error.WriteLine(Text.Format(format, arguments));
        error.Flush();
    }
}

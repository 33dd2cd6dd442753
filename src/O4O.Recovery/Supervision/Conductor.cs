using Microsoft.Extensions.Logging;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.Health;
using O4O.Recovery.Incidents;
using O4O.Recovery.Monitoring;
using O4O.Recovery.Offsite;
using O4O.Recovery.Patroni;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Releases;
using O4O.Recovery.Restore;
using O4O.Recovery.State;

namespace O4O.Recovery.Supervision;

/// <summary>
/// <c>o4o up</c>: starts the database server and then the platform as children, waits until the platform is live,
/// then supervises both (restarts, recovery, the control API) until asked to stop; then stops the platform before
/// the database. Every detection and action goes to the event log, <c>logs/conductor.log</c> and the extra journals.
/// </summary>
public sealed partial class Conductor(O4OHome home, ConductorSettings settings, string platformAssembly,
    IConductorObserver observer, TimeProvider time, ILoggerFactory loggers, IReadOnlyList<IRecoveryJournal>? journals = null)
{
    /// <summary>The component names used in reports and in <c>o4o status</c>.</summary>
    public const string DatabaseComponent = "database";

    /// <inheritdoc cref="DatabaseComponent"/>
    public const string PlatformComponent = "platform";

    /// <summary>Deploys, switches and rollbacks, in events.</summary>
    public const string ReleasesComponent = "releases";

    /// <summary>The conductor itself, in events.</summary>
    public const string ConductorComponent = "conductor";

    // Ctrl+C in a terminal signals the whole process group: the children may exit a moment before the conductor
    // hears of the stop itself, and such an exit is part of the stop, not a failure.
    private static readonly TimeSpan _stopSignalGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs until <paramref name="stop"/> is cancelled (returns null), or returns the platform's exit when it never
    /// came up (a crash loop during the first start). The home must exist (<see cref="O4OHome.EnsureCreated"/>).
    /// </summary>
    /// <exception cref="ConductorAlreadyRunningException">Another conductor runs for this home.</exception>
    public async Task<ComponentExit?> RunAsync(CancellationToken stop)
    {
        using var exclusive = ConductorLock.Acquire(home);
        foreach (var orphan in await OrphanedPlatform.StopAsync(home, stop))
        {
            observer.OrphanStopped(PlatformComponent, orphan);
        }

        if (settings.Database.IsPatroni && !settings.Database.ObservesPatroni)
        {
            foreach (var orphan in await OrphanedPatroni.StopAsync(home, settings.Database, stop))
            {
                observer.OrphanStopped(DatabaseComponent, orphan);
            }
        }

        LoopbackPort.EnsureFree(settings.Platform.Port, $"{O4OConfiguration.EnvironmentPrefix}Platform__Port");
        if (settings.Database.IsManaged && settings.Database.Port == settings.Platform.Port)
        {
            throw new ComponentPortInUseException($"{O4OConfiguration.EnvironmentPrefix}Platform__Port", settings.Platform.Port);
        }

        var events = new EventLog(home.StateDatabase);
        using var incidents = new IncidentEngine(home, settings.Incidents, time, loggers);
        var journal = new RecoveryJournals([events, new ConductorLog(loggers.CreateLogger<ConductorLog>()), incidents.Journal, .. journals ?? []]);
        var gate = await RecoveryGate.LoadAsync(new Settings(home.StateDatabase), journal, time, stop);
        var startedAt = time.GetUtcNow();
        await journal.RecordAsync(new RecoveryEvent(startedAt, ConductorComponent, RecoveryEventKind.Note,
            $"conductor started (pid {Environment.ProcessId}), AutoRecovery {gate.AutoRecovery.Value}"), stop);

        await using var server = new SupervisedDatabaseServer(home, settings.Database, settings.Archiving, journal, time) { Offsite = settings.Offsite };
        var target = await server.StartAsync(observer, stop);
        // The console's monitoring page leads to this conductor's dashboard, wherever it was configured to listen.
        var launch = new PlatformLaunch(platformAssembly, settings.Platform.Port, home, server.PlatformLogin(target).ToConnectionString())
        {
            Dashboard = settings.Dashboard.Link(),
            PasswordFile = server.IsManaged ? home.OwnerPasswordFile : null,
            TrustedProxy = settings.Nginx.Enabled ? NginxConfig.ProxyAddress : null,
        };
        // Each instance's port is held until every platform stopped (disposed after them): the shop's ports belong to the
        // conductor, not to a release. Opened once the database runs: a connection made before a platform accepts waits
        // in its queue.
        await using var platforms = PlatformInstances.Open(home, settings.Platform, (name, listener) =>
            new PlatformChild(launch with { Port = listener.Port, HandOff = listener.HandOffPath }, settings.Platform, settings.Supervision)
            {
                Name = name,
                BeforeEachStart = cancellationToken => server.AlignPlatformLoginAsync(target, cancellationToken),
                // The current release when there is one (o4o deploy), else the build output, as on a fresh clone.
                AssemblyAtStart = () => new ReleaseStore(home).CurrentAssembly() ?? platformAssembly,
                Gate = new SwitchGate(home, settings.Platform.StartTimeout),
                Listener = listener,
            });
        var platform = platforms.First;
        var database = new DatabaseChild(server, target, observer, settings.Supervision,
            new InterruptedRestore(home, () => ResolvedDatabaseServer.Resolve(home, settings.Database), journal, "auto-recovery", time));
        await database.RepairInterruptedRestoreAsync(stop);
        await SideInstanceLeftover.CleanUpAsync(home, journal, "auto-recovery", time, stop);
        using var nginx = settings.Nginx.Enabled ? new NginxChild(home, settings.Nginx, platforms.Ports, settings.Supervision) : null;
        Supervisor Supervise(ISupervisedChild child) =>
            new(child, settings.Supervision, gate, journal, time, _ => WriteRecord(startedAt, database, platform, target));
        Supervisor[] supervisors = [Supervise(database), .. platforms.Children.Select(Supervise)];
        try
        {
            supervisors[0].Adopt();
            observer.PlatformStarting(platform.Launch.BaseAddress);
            // One after the other: the first makes the data-protection key ring the others then read, rather than each
            // making its own at once.
            foreach (var (instance, supervisor) in platforms.Children.Zip(supervisors.Skip(1)))
            {
                if (await supervisor.StartAsync(stop))
                {
                    continue;
                }

                if (await StopFollowsAsync(stop))
                {
                    observer.Stopping();
                    return null;
                }

                var exit = new ComponentExit(instance.Name, instance.LastExitCode ?? -1);
                observer.ComponentExited(exit.Component, exit.ExitCode);
                return exit;
            }

            if (nginx is not null)
            {
                var proxy = Supervise(nginx);
                supervisors = [.. supervisors, proxy];
                // A refused configuration is on the record as a give-up; the platform still serves on its own port.
                if (await proxy.StartAsync(stop))
                {
                    observer.ProxyReady(NginxChild.Address(settings.Nginx));
                }
            }

            using var loss = new DataLossProbe(platform.Launch.BaseAddress, target.ToConnectionString(), home, settings.Backup, settings.AutoRecovery);
            var offsiteUploads = settings.Offsite.Enabled ? new OffsiteUploads(home, settings.Backup, settings.Offsite, journal, time) : null;
            var patroni = settings.Database.IsPatroni
                ? new PatroniWatch(PatroniRest.For(settings.Database), settings.Database.Patroni, events, journal, time)
                : null;
            var state = new ConductorState(Environment.ProcessId, startedAt, supervisors, gate, events,
                new IncidentBoard(incidents.Store, settings.Incidents.Escalation, time, incidents.NotificationGap))
            {
                Configuration = new ConductorConfiguration(platformAssembly, settings.Platform.Port, settings.Nginx, platform.Launch.Dashboard)
                {
                    PlatformInstances = platforms.Children.Count,
                },
                SwitchPlatform = (release, actor) => SwitchPlatformAsync(platforms.Children, journal, release, actor, () => WriteRecord(startedAt, database, platform, target), stop),
                ReleaseWatch = () => _watchStatus,
                UploadOffsiteSoon = offsiteUploads is null ? null : offsiteUploads.UploadSoon,
                Patroni = () => patroni?.Latest,
            };
            // The control API first: tests and scripts use it as soon as the platform answers.
            await using (await ControlServer.StartAsync(home, state, loggers, stop))
            {
                var (dashboard, sampler) = await StartDashboardAsync(state, journal, platform.Launch.BaseAddress, target.ToConnectionString(), stop);
                await using var dashboardServer = dashboard;
                // Ready only once the dashboard listens (or is known not to), so the banner can say where it is.
                observer.Ready(platform.Launch.BaseAddress, target, dashboard?.Address);
                if (incidents.NotificationGap is { } gap)
                {
                    observer.NotificationsUnconfigured(gap);
                }

                using var offsiteWal = settings.Offsite.Enabled ? new OffsiteWalShipping(PgBackRest.For(home), journal, time) : null;
                List<(string, Func<CancellationToken, Task>)> work =
                [
                    ("scheduled backups", new ScheduledBackups(home, settings.Database, settings.Backup, journal, time).RunAsync),
                    .. incidents.Jobs,
                    ("event retention", new EventRetention(events, settings.Events.Retention, time).RunAsync),
                    ("backup watch", new BackupWatch(new BackupMonitor(home, settings.Database, settings.Backup, settings.Archiving, time) { Offsite = settings.Offsite },
                        settings.Backup.WatchInterval, events, journal, time).RunAsync),
                ];
                if (offsiteUploads is not null)
                {
                    work.Add(("off-site uploads", offsiteUploads.RunAsync));
                }

                if (patroni is not null)
                {
                    work.Add(("Patroni watch", patroni.RunAsync));
                }

                if (settings.Database.IsManaged)
                {
                    work.Add(("damage watch", DamageWatch(gate, journal, loss).RunAsync));
                }

                if (settings.Database.IsManaged && settings.Archiving.Enabled)
                {
                    var archiving = new WalArchiving(PgBackRest.For(home), target.ToConnectionString(), settings.Archiving, journal, time);
                    work.Add(("WAL archiving", archiving.RunAsync));
                    work.Add(("table file marks", new TableFileMarking(target.ToConnectionString(), new TableFileMarks(home.StateDatabase), time).RunAsync));
                    if (offsiteWal is not null)
                    {
                        work.Add(("off-site WAL", offsiteWal.RunAsync));
                    }

                    work.Add(("physical backups",
                        new ScheduledPhysicalBackups(PgBackRest.For(home), settings.Archiving, archiving.Checked, journal, time) { OffsiteWal = offsiteWal }.RunAsync));
                }

                if (sampler is not null)
                {
                    work.Add(("dashboard sampler", sampler.RunAsync));
                }

                await SuperviseAsync(supervisors, [.. work.Select(job => Job(job, journal))], state, stop);
            }

            observer.Stopping();
            return null;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            observer.Stopping();
            return null;
        }
        finally
        {
            if (nginx is not null)
            {
                await nginx.StopAsync(graceful: true);
            }

            await platforms.StopAsync(graceful: true);
            await server.StopAsync();
            ConductorRecord.Delete(home);
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ConductorComponent, RecoveryEventKind.Note, "conductor stopped"), CancellationToken.None);
        }
    }

    private DamageWatch DamageWatch(RecoveryGate gate, IRecoveryJournal journal, DataLossProbe loss) =>
        new(new ServerLogScanner(Path.Combine(home.PostgresData, "log")), loss,
            new DamageRestore(home, settings.Database, settings.Backup, gate, journal, time),
            settings.AutoRecovery, settings.Supervision, gate, journal, time);

    private static async Task<bool> StopFollowsAsync(CancellationToken stop)
    {
        await Task.WhenAny(Task.Delay(Timeout.Infinite, stop), Task.Delay(_stopSignalGrace, CancellationToken.None));
        return stop.IsCancellationRequested;
    }

    private void WriteRecord(DateTimeOffset startedAt, DatabaseChild database, PlatformChild platform, DatabaseTarget target) =>
        new ConductorRecord(Environment.ProcessId, startedAt,
            new ComponentRecord(database.ProcessId, target.Port, target.Host),
            new ComponentRecord(platform.ProcessId, settings.Platform.Port, "127.0.0.1")).Write(home);
}

/// <summary>A child that exited on its own.</summary>
/// <param name="Component">Which one: <see cref="Conductor.DatabaseComponent"/> or <see cref="Conductor.PlatformComponent"/>.</param>
/// <param name="ExitCode">Its exit code.</param>
public sealed record ComponentExit(string Component, int ExitCode);

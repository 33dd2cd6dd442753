using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;
using O4O.Recovery.Systemd;
using Serilog;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o up</c> as a .NET Generic Host application: the configuration (o4o.json, <c>O4O__*</c>, the context's settings),
/// every section bound and validated on start, one Serilog pipeline (<see cref="ConductorLogging"/>), and the
/// <see cref="ConductorService"/>. Under systemd (<c>NOTIFY_SOCKET</c>) it says READY=1 once the platform answers and pets
/// the watchdog (<see cref="SystemdReadiness"/>, <see cref="SystemdWatchdog"/>). The host's console lifetime stops it
/// on SIGINT and SIGTERM; it waits as long as the children take to stop (their own timeouts end in SIGKILL).
/// </summary>
internal static class ConductorHost
{
    public static IHost Build(CliContext context)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = context.Home.Root,
        });
        builder.Configuration.AddO4OConfiguration(context.Home).AddInMemoryCollection(context.Settings);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = Timeout.InfiniteTimeSpan);
        builder.Services.Configure<ConsoleLifetimeOptions>(console => console.SuppressStatusMessages = true);
        builder.Services.AddSerilog(ConductorLogging.Create(context.Home, context.Error), dispose: true);
        builder.Services.AddConductorOptions();
        IConductorObserver observer = new UpReporter(context.Error);
        var systemd = new SystemdNotifier();
        if (systemd.IsEnabled)
        {
            observer = new SystemdReadiness(observer, systemd);
            // Registered before the conductor, so it pings while the first start creates the cluster.
            if (SystemdWatchdog.Requested() is { } interval)
            {
                builder.Services.AddHostedService(_ => new SystemdWatchdog(systemd, interval, context.Time));
            }
        }

        builder.Services.AddSingleton(services =>
            new PlatformAssembly(PlatformLaunch.ResolveAssembly(services.GetRequiredService<ConductorSettings>().Platform.Assembly, AppContext.BaseDirectory)));
        builder.Services.AddSingleton(services => new Conductor(context.Home, services.GetRequiredService<ConductorSettings>(),
            services.GetRequiredService<PlatformAssembly>().Path, observer, context.Time, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<ConductorService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ConductorService>());
        return builder.Build();
    }
}

/// <summary>The platform assembly the conductor launches, resolved from <c>Platform:Assembly</c> or beside <c>o4o</c>.</summary>
/// <param name="Path">Its path.</param>
internal sealed record PlatformAssembly(string Path);

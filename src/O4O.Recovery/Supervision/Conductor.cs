using System.Net;
using System.Net.Sockets;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;

namespace O4O.Recovery.Supervision;

/// <summary>
/// <c>o4o up</c>: starts the database server and then the platform as children, waits until the platform is live,
/// and runs until asked to stop or until a child exits on its own; then stops the platform before the database.
/// </summary>
public sealed class Conductor(O4OHome home, DatabaseOptions database, PlatformOptions platform, string platformAssembly,
    IConductorObserver observer, TimeProvider time)
{
    /// <summary>The component names used in reports and in <c>o4o status</c>.</summary>
    public const string DatabaseComponent = "database";

    /// <inheritdoc cref="DatabaseComponent"/>
    public const string PlatformComponent = "platform";

    private static readonly TimeSpan _platformStopTimeout = TimeSpan.FromSeconds(10);

    // Ctrl+C in a terminal signals the whole process group: the children may exit a moment before the conductor
    // hears of the stop itself, and such an exit is part of the stop, not a failure.
    private static readonly TimeSpan _stopSignalGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs until <paramref name="stop"/> is cancelled (returns null) or a child exits on its own (returns what exited).
    /// The home must exist (<see cref="O4OHome.EnsureCreated"/>): its configuration was read to make this conductor.
    /// </summary>
    /// <exception cref="ConductorAlreadyRunningException">Another conductor runs for this home.</exception>
    public async Task<ComponentExit?> RunAsync(CancellationToken stop)
    {
        using var exclusive = ConductorLock.Acquire(home);
        if (await OrphanedPlatform.StopAsync(home, stop) is { } orphan)
        {
            observer.OrphanStopped(PlatformComponent, orphan);
        }

        EnsurePortIsFree(platform.Port, $"{O4OConfiguration.EnvironmentPrefix}Platform__Port");
        if (database.IsManaged && database.Port == platform.Port)
        {
            throw new ComponentPortInUseException($"{O4OConfiguration.EnvironmentPrefix}Platform__Port", platform.Port);
        }

        await using var server = new DatabaseServer(home, database);
        var target = await server.StartAsync(observer, stop);
        await using var process = new PlatformProcess(new PlatformLaunch(platformAssembly, platform.Port, home, target.ToConnectionString()));
        try
        {
            process.Start();
            observer.PlatformStarting(process.Launch.BaseAddress);
            WriteRecord(server, process, target);
            var exit = await process.WaitUntilLiveAsync(platform.StartTimeout, stop)
                ? await WaitForStopOrExitAsync(server, process, stop)
                : new ComponentExit(PlatformComponent, await process.Exited);
            if (exit is not null && await StopFollowsAsync(stop))
            {
                exit = null;
            }

            if (exit is null)
            {
                observer.Stopping();
            }
            else
            {
                observer.ComponentExited(exit.Component, exit.ExitCode);
            }

            return exit;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            observer.Stopping();
            return null;
        }
        finally
        {
            await process.StopAsync(_platformStopTimeout);
            await server.StopAsync();
            ConductorRecord.Delete(home);
        }
    }

    private async Task<ComponentExit?> WaitForStopOrExitAsync(DatabaseServer server, PlatformProcess process, CancellationToken stop)
    {
        observer.Ready(process.Launch.BaseAddress, DatabaseTarget.ForPlatform(home, database));
        var stopped = Task.Delay(Timeout.Infinite, stop);
        var first = await Task.WhenAny(stopped, process.Exited, server.Exited);
        if (first == stopped)
        {
            return null;
        }

        return first == process.Exited
            ? new ComponentExit(PlatformComponent, await process.Exited)
            : new ComponentExit(DatabaseComponent, await server.Exited);
    }

    private static async Task<bool> StopFollowsAsync(CancellationToken stop)
    {
        await Task.WhenAny(Task.Delay(Timeout.Infinite, stop), Task.Delay(_stopSignalGrace, CancellationToken.None));
        return stop.IsCancellationRequested;
    }

    private void WriteRecord(DatabaseServer server, PlatformProcess process, DatabaseTarget target) =>
        new ConductorRecord(Environment.ProcessId, time.GetUtcNow(),
            new ComponentRecord(server.ProcessId, target.Port, target.Host),
            new ComponentRecord(process.ProcessId, platform.Port, "127.0.0.1")).Write(home);

    private static void EnsurePortIsFree(int port, string setting)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new ComponentPortInUseException(setting, port, exception);
        }
    }
}

/// <summary>A child that exited on its own.</summary>
/// <param name="Component">Which one: <see cref="Conductor.DatabaseComponent"/> or <see cref="Conductor.PlatformComponent"/>.</param>
/// <param name="ExitCode">Its exit code.</param>
public sealed record ComponentExit(string Component, int ExitCode);

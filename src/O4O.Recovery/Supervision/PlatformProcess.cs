using System.Diagnostics;
using O4O.Recovery.Health;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The platform as a child process of the conductor: started, watched until its liveness probe answers,
/// stopped gracefully (SIGTERM, SIGKILL after a timeout). One instance per run of the process.
/// </summary>
internal sealed class PlatformProcess(PlatformLaunch launch) : IAsyncDisposable
{
    private static readonly TimeSpan _probeTimeout = TimeSpan.FromSeconds(2);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    /// <summary>How the platform is started.</summary>
    public PlatformLaunch Launch => launch;

    /// <summary>The platform's process id, once started.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Completes with the exit code when the process exits, for whatever reason.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>The liveness endpoint: answers while the process serves requests, whatever its dependencies do.</summary>
    public Uri LivenessUrl => new(launch.ProbeAddress, "api/health/live");

    /// <summary>"Go": it may accept from the shared socket (<see cref="Switching.ListenerHandOff.GoSignal"/>).</summary>
    public void Go() => SignalIfRunning(Switching.ListenerHandOff.GoSignal);

    /// <summary>"Drain": it accepts no more from the shared socket and closes each connection after its answer.</summary>
    public void Drain() => SignalIfRunning(Switching.ListenerHandOff.DrainSignal);

    /// <summary>Starts the process.</summary>
    /// <exception cref="PlatformStartException">The assembly is missing or the process cannot be started.</exception>
    public void Start()
    {
        if (!File.Exists(launch.Assembly))
        {
            throw new PlatformStartException($"The platform was not found at {launch.Assembly}: build it (./o4o does) or set O4O__Platform__Assembly.");
        }

        var process = new Process { StartInfo = launch.StartInfo(), EnableRaisingEvents = true };
        process.Exited += (_, _) => _exited.TrySetResult(process.ExitCode);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            process.Dispose();
            throw new PlatformStartException($"dotnet could not be started: {exception.Message}");
        }

        _process = process;
    }

    /// <summary>
    /// Waits until <see cref="LivenessUrl"/> answers 200. Returns false when the process exited first.
    /// </summary>
    /// <exception cref="PlatformStartException">No answer within <paramref name="timeout"/>.</exception>
    public async Task<bool> WaitUntilLiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient();
        var clock = Stopwatch.StartNew();
        ProbeResult? last = null;
        while (clock.Elapsed < timeout)
        {
            if (Exited.IsCompleted)
            {
                return false;
            }

            last = await HttpProbe.ProbeAsync(client, LivenessUrl, _probeTimeout, cancellationToken);
            if (last.Healthy)
            {
                return true;
            }

            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        throw new PlatformStartException($"The platform did not answer {LivenessUrl} within {timeout.TotalSeconds:0} s: {last?.Error}");
    }

    /// <summary>SIGTERM (ASP.NET Core's graceful shutdown), SIGKILL after <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is null)
        {
            return;
        }

        await UnixProcess.StopAsync(_process, UnixProcess.SigTerm, timeout);
    }

    private void SignalIfRunning(int signal)
    {
        if (_process is { } process && !Exited.IsCompleted)
        {
            UnixProcess.Signal(process.Id, signal);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process?.Dispose();
        _process = null;
    }
}

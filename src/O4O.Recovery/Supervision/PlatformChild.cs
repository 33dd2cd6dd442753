using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Supervision;

/// <summary>The platform under supervision: a new <see cref="PlatformProcess"/> for every start.</summary>
internal sealed class PlatformChild(PlatformLaunch launch, PlatformOptions platform, SupervisionOptions supervision) : ISupervisedChild, IAsyncDisposable
{
    private readonly HttpClient _client = new();
    private PlatformProcess? _process;

    /// <inheritdoc />
    public string Name => Conductor.PlatformComponent;

    /// <summary>What must hold before each start (the platform's database login in step with its password file).</summary>
    public Func<CancellationToken, Task>? BeforeEachStart { get; init; }

    /// <summary>How the platform is started.</summary>
    public PlatformLaunch Launch => launch;

    /// <summary>
    /// The assembly to run, asked at every start (the current release, which <c>o4o deploy</c> and <c>o4o rollback</c>
    /// switch before they restart the platform); null: <see cref="Launch"/>'s.
    /// </summary>
    public Func<string>? AssemblyAtStart { get; init; }

    /// <inheritdoc />
    public int? ProcessId => _process is { Exited.IsCompleted: false } running ? running.ProcessId : null;

    /// <inheritdoc />
    public bool CanRestart => true;

    /// <inheritdoc />
    public Task<int> Exited => _process?.Exited ?? new TaskCompletionSource<int>().Task;

    /// <summary>The exit code of the last process that exited; null while none has.</summary>
    public int? LastExitCode => _process is { Exited.IsCompletedSuccessfully: true } process ? process.Exited.Result : null;

    /// <inheritdoc />
    /// <exception cref="PlatformStartException">The assembly is missing, or the platform did not answer within its start timeout.</exception>
    public async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (BeforeEachStart is not null)
        {
            await BeforeEachStart(cancellationToken);
        }

        _process = new PlatformProcess(AssemblyAtStart is null ? launch : launch with { Assembly = AssemblyAtStart() });
        _process.Start();
        if (await _process.WaitUntilLiveAsync(platform.StartTimeout, cancellationToken))
        {
            return null;
        }

        var exitCode = await _process.Exited;
        return $"{ExitStatus.Describe(exitCode)} before answering";
    }

    /// <inheritdoc />
    public async Task StopAsync(bool graceful)
    {
        if (_process is not null)
        {
            await _process.StopAsync(graceful ? supervision.StopTimeout : TimeSpan.Zero);
        }
    }

    /// <inheritdoc />
    public Task<ProbeResult> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        HttpProbe.ProbeAsync(_client, new Uri(launch.BaseAddress, "api/health/live"), timeout, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _client.Dispose();
    }
}

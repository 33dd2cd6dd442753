using System.Diagnostics;
using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The platform under supervision: a new <see cref="PlatformProcess"/> for every start, and for every switch to another
/// release one started beside the running one (<see cref="SwitchAsync"/>).
/// </summary>
internal sealed class PlatformChild(PlatformLaunch launch, PlatformOptions platform, SupervisionOptions supervision) : ISupervisedChild, IAsyncDisposable
{
    private readonly HttpClient _client = new();
    // A start, a stop and a switch never overlap: each replaces the process the others work on.
    private readonly SemaphoreSlim _one = new(1, 1);
    private TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PlatformProcess? _process;
    private string? _switchedTo;
    // The release switched away from, drained but kept running during the watch window: a rollback is a "go" away.
    private PlatformProcess? _standby;
    // The serving process exited (its exit reported, no start since) before a switch or a rollback gave "go" to another,
    // which took its place: the supervisor saw the exit and will stop and start the platform, which would only kill the
    // release that now serves. Its next start finds the platform already serving.
    private bool _exitOvertaken;

    /// <inheritdoc />
    /// <remarks>One of <see cref="PlatformInstances"/>' names: <c>platform</c>, <c>platform-2</c>, …</remarks>
    public string Name { get; init; } = Conductor.PlatformComponent;

    /// <summary>What must hold before each start (the platform's database login in step with its password file).</summary>
    public Func<CancellationToken, Task>? BeforeEachStart { get; init; }

    /// <summary>How the platform is started.</summary>
    public PlatformLaunch Launch => launch;

    /// <summary>
    /// The assembly to run at a start (the current release, else the build output); after a switch, a restart runs the
    /// release switched to. Null: <see cref="Launch"/>'s.
    /// </summary>
    public Func<string>? AssemblyAtStart { get; init; }

    /// <summary>The shop's port, held by the conductor and handed to each process (null: each binds its own).</summary>
    public SharedListener? Listener { get; init; }

    /// <summary>The gate a release passes before it gets traffic in a switch.</summary>
    public required SwitchGate Gate { get; init; }

    /// <summary>The assembly of the serving process (what a rollback goes back to); null before the first start.</summary>
    public string? ServingAssembly => _process?.Launch.Assembly;

    /// <summary>Where the serving process itself answers (its private port).</summary>
    public Uri ServingAddress => _process?.Launch.ProbeAddress ?? launch.ProbeAddress;

    /// <inheritdoc />
    public int? ProcessId => _process is { Exited.IsCompleted: false } running ? running.ProcessId : null;

    /// <inheritdoc />
    public bool CanRestart => true;

    /// <inheritdoc />
    /// <remarks>The exit of the serving process only: a process drained away by a switch exits as planned.</remarks>
    public Task<int> Exited => _exited.Task;

    /// <summary>The exit code of the last process that exited; null while none has.</summary>
    public int? LastExitCode => _exited.Task.IsCompletedSuccessfully ? _exited.Task.Result : null;

    /// <inheritdoc />
    /// <exception cref="PlatformStartException">The assembly is missing, or the platform did not answer within its start timeout.</exception>
    public async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            if (_exitOvertaken)
            {
                _exitOvertaken = false;
                return null;
            }

            if (_process is not null)
            {
                await _process.DisposeAsync();
            }

            if (BeforeEachStart is not null)
            {
                await BeforeEachStart(cancellationToken);
            }

            _exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = StartProcess(_switchedTo ?? AssemblyAtStart?.Invoke() ?? launch.Assembly);
            Serve(process);
            // Nothing else serves: it takes traffic once it answers at all (with 503s while its database is down, say).
            if (await process.WaitUntilLiveAsync(platform.StartTimeout, cancellationToken))
            {
                process.Go();
                return null;
            }

            var exitCode = await process.Exited;
            return $"{ExitStatus.Describe(exitCode)} before answering";
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>
    /// Switches to the platform in <paramref name="assembly"/> without refusing a request: starts it beside the serving
    /// process (same shared socket, its own private port), holds it from the shared socket until it passed the
    /// <see cref="Gate"/>, then gives it "go", drains the old one (no more accepting, <c>Connection: close</c> on every
    /// answer for <c>Platform:DrainPeriod</c>) and stops it gracefully, so its requests in flight finish. A release that
    /// fails the gate is stopped and the old one never stopped serving. Each step is passed to <paramref name="record"/>.
    /// Returns null when switched, else why not.
    /// </summary>
    public async Task<string?> SwitchAsync(string assembly, Func<string, Task> record, CancellationToken cancellationToken, bool keepStandby = false)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            await StopStandbyAsync();
            var old = _process is { Exited.IsCompleted: false } running ? running : null;
            if (BeforeEachStart is not null)
            {
                await BeforeEachStart(cancellationToken);
            }

            var clock = Stopwatch.StartNew();
            var next = StartProcess(assembly);
            await record(string.Create(CultureInfo.InvariantCulture,
                $"started pid {next.ProcessId} beside {(old is null ? "no serving process" : $"pid {old.ProcessId}")}, held from the shared socket, gated on {next.Launch.ProbeAddress}"));
            string? failure;
            try
            {
                failure = await GateAsync(next, cancellationToken);
            }
            catch
            {
                await next.DisposeAsync();
                throw;
            }

            if (failure is not null)
            {
                await next.DisposeAsync();
                return failure;
            }

            next.Go();
            var previous = _process;
            var overtaken = ServeInstead(next);
            _switchedTo = assembly;
            await record(string.Create(CultureInfo.InvariantCulture,
                $"pid {next.ProcessId} passed the gate (ready, smoke-test sign-in, product list) after {clock.Elapsed.TotalSeconds:0.0} s and accepts from the shared socket"));
            if (overtaken)
            {
                await record(string.Create(CultureInfo.InvariantCulture,
                    $"pid {previous?.ProcessId} had exited before pid {next.ProcessId} passed its gate; pid {next.ProcessId} serves in its place and is not restarted"));
            }

            // A process that exited is no standby: a rollback then starts the release it ran afresh.
            if (old is { Exited.IsCompleted: false } && keepStandby)
            {
                old.Drain();
                _standby = old;
                await record(string.Create(CultureInfo.InvariantCulture,
                    $"pid {old.ProcessId} drained and kept running for the watch window; traffic moved in {clock.Elapsed.TotalSeconds:0.0} s"));
                return null;
            }

            if (old is not null)
            {
                old.Drain();
                await Task.Delay(platform.DrainPeriod, cancellationToken);
                await old.StopAsync(supervision.StopTimeout);
                await record(string.Create(CultureInfo.InvariantCulture,
                    $"pid {old.ProcessId} drained for {platform.DrainPeriod.TotalSeconds:0.#} s and stopped; traffic moved in {clock.Elapsed.TotalSeconds:0.0} s"));
            }

            if (previous is not null)
            {
                await previous.DisposeAsync();
            }

            return null;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>
    /// The rollback within the watch window: "go" to the standby kept by <see cref="SwitchAsync"/>, then the serving
    /// release drained and stopped as in a switch. False when there is no standby alive (then a rollback is a switch).
    /// </summary>
    public async Task<bool> RollBackToStandbyAsync(Func<string, Task> record, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            if (_standby is not { Exited.IsCompleted: false } standby)
            {
                return false;
            }

            var failing = _process;
            standby.Go();
            _ = ServeInstead(standby);
            _standby = null;
            _switchedTo = standby.Launch.Assembly;
            await record(string.Create(CultureInfo.InvariantCulture, $"pid {standby.ProcessId} accepts from the shared socket again"));
            if (failing is not null)
            {
                failing.Drain();
                await Task.Delay(platform.DrainPeriod, cancellationToken);
                await failing.DisposeAsync();
                await record(string.Create(CultureInfo.InvariantCulture, $"pid {failing.ProcessId} drained and stopped"));
            }

            return true;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Stops the standby once the watch window passed.</summary>
    public async Task ReleaseStandbyAsync()
    {
        await _one.WaitAsync();
        try
        {
            await StopStandbyAsync();
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task StopStandbyAsync()
    {
        if (_standby is not null)
        {
            await _standby.DisposeAsync();
            _standby = null;
        }
    }

    private async Task<string?> GateAsync(PlatformProcess next, CancellationToken cancellationToken)
    {
        try
        {
            if (!await next.WaitUntilLiveAsync(platform.StartTimeout, cancellationToken))
            {
                return $"{ExitStatus.Describe(await next.Exited)} before answering";
            }
        }
        catch (PlatformStartException exception)
        {
            return exception.Message;
        }

        return await Gate.CheckAsync(next.Launch.ProbeAddress, cancellationToken);
    }

    private PlatformProcess StartProcess(string assembly)
    {
        try
        {
            Listener?.EnsureOpen();
        }
        catch (ComponentPortInUseException exception)
        {
            throw new PlatformStartException(exception.Message);
        }

        var process = new PlatformProcess(launch with
        {
            Assembly = assembly,
            PrivatePort = launch.HandOff is null ? null : LoopbackPort.Free(),
        });
        process.Start();
        return process;
    }

    // Serve, in place of a process whose exit may already have been reported (a crash during a switch's gate, or the
    // crash that made the watch roll back): then the supervisor's restart must find this one serving (_exitOvertaken).
    // True when it took such a process's place.
    private bool ServeInstead(PlatformProcess process)
    {
        var overtaken = _exited.Task.IsCompleted;
        if (overtaken)
        {
            _exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _exitOvertaken = true;
        }

        Serve(process);
        return overtaken;
    }

    // Makes the process the serving one: its exit, and only while it serves, is the child's exit.
    private void Serve(PlatformProcess process)
    {
        var exited = _exited;
        _process = process;
        _ = process.Exited.ContinueWith(
            exit =>
            {
                if (ReferenceEquals(Volatile.Read(ref _process), process))
                {
                    exited.TrySetResult(exit.Result);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public async Task StopAsync(bool graceful)
    {
        await _one.WaitAsync();
        try
        {
            if (_process is not null && !_exitOvertaken)
            {
                await _process.StopAsync(graceful ? supervision.StopTimeout : TimeSpan.Zero);
            }
        }
        finally
        {
            _one.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>Only when no process of the platform runs: one that is hung (stopped) still holds the port, and a
    /// standby of the watch window may be given "go".</remarks>
    public void HeldDown()
    {
        if (_process is null or { Exited.IsCompleted: true } && _standby is null)
        {
            Listener?.Close();
        }
    }

    /// <inheritdoc />
    public Task<ProbeResult> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        HttpProbe.ProbeAsync(_client, new Uri(_process?.Launch.ProbeAddress ?? launch.ProbeAddress, "api/health/live"), timeout, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopStandbyAsync();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _client.Dispose();
        _one.Dispose();
    }
}

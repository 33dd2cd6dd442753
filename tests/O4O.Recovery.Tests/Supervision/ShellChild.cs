using System.Diagnostics;
using O4O.Recovery.Health;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Supervision;

/// <summary>
/// A real process under supervision: <c>sh -c SCRIPT</c>. Its probe answers while the process runs and is not stopped
/// (state T in /proc), as a hung server does not answer.
/// </summary>
internal sealed class ShellChild(string script, string name = "worker") : ISupervisedChild, IAsyncDisposable
{
    private Process? _process;
    private Task<int> _exited = new TaskCompletionSource<int>().Task;

    public int Starts { get; private set; }

    public string Name => name;

    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    public bool CanRestart => true;

    public Task<int> Exited => _exited;

    public Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        _process?.Dispose();
        Starts++;
        var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]))!;
        _process = process;
        _exited = process.WaitForExitAsync(CancellationToken.None).ContinueWith(_ => process.ExitCode, TaskScheduler.Default);
        return Task.FromResult(process.WaitForExit(50) ? $"exited with code {process.ExitCode} before answering" : null);
    }

    public async Task StopAsync(bool graceful)
    {
        if (_process is { HasExited: false } process)
        {
            await UnixProcess.StopAsync(process, UnixProcess.SigTerm, graceful ? TimeSpan.FromSeconds(5) : TimeSpan.Zero);
        }
    }

    /// <summary>How long each probe takes to answer, as a server's on a loaded machine.</summary>
    public TimeSpan ProbeTime { get; init; }

    public async Task<ProbeResult> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Task.Delay(ProbeTime, cancellationToken);
        return ProcessId is { } pid && !Stopped(pid)
            ? new ProbeResult(true, ProbeTime, null)
            : new ProbeResult(false, timeout, "no answer");
    }

    private static bool Stopped(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Trim().StartsWith('T');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace O4O.Recovery.Processes;

/// <summary>POSIX process primitives .NET does not expose: signals, effective user, liveness by pid.</summary>
public static partial class UnixProcess
{
    /// <summary>SIGINT: PostgreSQL's "fast shutdown".</summary>
    public const int SigInt = 2;

    /// <summary>SIGKILL: the last resort after a graceful stop timed out.</summary>
    public const int SigKill = 9;

    /// <summary>SIGTERM: the graceful stop request.</summary>
    public const int SigTerm = 15;

    /// <summary>True when this process runs as root, where PostgreSQL must be run as another user.</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when no such process exists.</summary>
    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>True while a process with this pid exists (a zombie counts until it is reaped).</summary>
    public static bool IsAlive(int pid) => pid > 0 && kill(pid, 0) == 0;

    /// <summary>
    /// Asks <paramref name="process"/> to stop with <paramref name="signal"/>, waits up to <paramref name="timeout"/>,
    /// then kills it. Returns true when it stopped gracefully.
    /// </summary>
    public static async Task<bool> StopAsync(Process process, int signal, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (process.HasExited)
        {
            return true;
        }

        Signal(process.Id, signal);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return false;
        }
    }

    /// <summary>
    /// Grows the pipe behind <paramref name="stream"/> (a redirected standard stream) to <paramref name="bytes"/>: a
    /// writer of small blocks then blocks only when the reader is that far behind, and each read takes up to that
    /// much, instead of the two taking turns every 64 KiB. Best effort, Linux only.
    /// </summary>
    public static void EnlargePipe(Stream stream, int bytes)
    {
        if (OperatingSystem.IsLinux() && stream is System.IO.Pipes.PipeStream pipe)
        {
            _ = fcntl((int)pipe.SafePipeHandle.DangerousGetHandle(), SetPipeSize, bytes);
        }
    }

    private const int SetPipeSize = 1031; // F_SETPIPE_SZ

    [LibraryImport("libc")]
    private static partial int fcntl(int descriptor, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}

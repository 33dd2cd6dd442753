using System.Runtime.InteropServices;
using O4O.Recovery.Switching;

namespace O4O.Platform.Hosting;

/// <summary>
/// When this process may accept from the conductor's shared socket: not before the conductor's "go" (SIGUSR1), given
/// once the release passed its health gate on its private port, and never again after "drain" (SIGUSR2), given when the
/// next release took over. Until "go" new connections wait in the kernel's accept queue, where the running release takes them.
/// </summary>
internal sealed class AcceptGate : IDisposable
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _draining = new();
    private readonly PosixSignalRegistration _go;
    private readonly PosixSignalRegistration _drain;

    public AcceptGate()
    {
        // Raw signal numbers: PosixSignal names only the portable ones. Registered before Kestrel starts, so a "go" can
        // never meet the default action of SIGUSR1 (which ends the process).
        _go = PosixSignalRegistration.Create((PosixSignal)ListenerHandOff.GoSignal, context =>
        {
            context.Cancel = true;
            _open.TrySetResult();
        });
        _drain = PosixSignalRegistration.Create((PosixSignal)ListenerHandOff.DrainSignal, context =>
        {
            context.Cancel = true;
            _draining.Cancel();
        });
    }

    /// <summary>Completes at "go".</summary>
    public Task Opened => _open.Task;

    /// <summary>Cancelled at "drain".</summary>
    public CancellationToken Draining => _draining.Token;

    public bool IsDraining => _draining.IsCancellationRequested;

    public void Dispose()
    {
        _go.Dispose();
        _drain.Dispose();
        _draining.Dispose();
    }
}

using System.Runtime.InteropServices;
using O4O.Recovery.Switching;

namespace O4O.Platform.Hosting;

/// <summary>
/// When this process may accept from the conductor's shared socket: from the conductor's "go" (SIGUSR1), given once
/// the release passed its health gate on its private port, until "drain" (SIGUSR2), given when another release took
/// over. A drained release kept as the rollback's standby takes "go" again. While closed, new connections wait in the
/// kernel's accept queue, where the serving release takes them.
/// </summary>
internal sealed class AcceptGate : IDisposable
{
    private readonly Lock _lock = new();
    private readonly PosixSignalRegistration _go;
    private readonly PosixSignalRegistration _drain;
    private TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _closing = new();

    public AcceptGate()
    {
        // Raw signal numbers: PosixSignal names only the portable ones. Registered before Kestrel starts, so a "go" can
        // never meet the default action of SIGUSR1 (which ends the process).
        _go = PosixSignalRegistration.Create((PosixSignal)ListenerHandOff.GoSignal, context =>
        {
            context.Cancel = true;
            Open();
        });
        _drain = PosixSignalRegistration.Create((PosixSignal)ListenerHandOff.DrainSignal, context =>
        {
            context.Cancel = true;
            Close();
        });
    }

    /// <summary>True from "drain" until the next "go": every answer closes its connection.</summary>
    public bool IsDraining { get; private set; }

    /// <summary>The current period: a task that completes at its "go", and a token cancelled at its "drain".</summary>
    public (Task Opened, CancellationToken Closing) Current()
    {
        lock (_lock)
        {
            return (_open.Task, _closing.Token);
        }
    }

    private void Open()
    {
        lock (_lock)
        {
            IsDraining = false;
            _open.TrySetResult();
        }
    }

    private void Close()
    {
        CancellationTokenSource closed;
        lock (_lock)
        {
            if (!_open.Task.IsCompleted)
            {
                return;
            }

            IsDraining = true;
            closed = _closing;
            _closing = new CancellationTokenSource();
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        closed.Cancel();
        closed.Dispose();
    }

    public void Dispose()
    {
        _go.Dispose();
        _drain.Dispose();
        _closing.Dispose();
    }
}

using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace O4O.Platform.Hosting;

/// <summary>
/// Kestrel's socket transport, with the shared socket's accepting held by the <see cref="AcceptGate"/>; the private
/// loopback port is not gated (the conductor's probes and health gate reach the new release through it before "go").
/// </summary>
internal sealed class GatedListenerFactory(SocketTransportFactory sockets, AcceptGate gate) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => sockets.CanBind(endpoint);

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = await sockets.BindAsync(endpoint, cancellationToken);
        return endpoint is FileHandleEndPoint ? new GatedListener(listener, gate) : listener;
    }

    private sealed class GatedListener(IConnectionListener inner, AcceptGate gate) : IConnectionListener
    {
        private readonly CancellationTokenSource _unbound = new();

        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            while (true)
            {
                var (opened, closing) = gate.Current();
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token, closing);
                try
                {
                    await opened.WaitAsync(stop.Token);
                    // An accept cancelled by "drain" takes nothing off the queue: the next connection goes to the new release.
                    return await inner.AcceptAsync(stop.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_unbound.IsCancellationRequested)
                {
                    // Drained: the connections it has are served to the end; a standby waits here for its next "go".
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Unbinding: null tells Kestrel this endpoint accepts no more.
                    return null;
                }
            }
        }

        public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            await _unbound.CancelAsync();
            await inner.UnbindAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            _unbound.Dispose();
            await inner.DisposeAsync();
        }
    }
}

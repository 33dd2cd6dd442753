using System.Net.Http.Json;
using System.Net.Sockets;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Control;

/// <summary>
/// HTTP over the conductor's control socket, <c>$O4O_HOME/o4o.sock</c>: the one transport of the control API, with the
/// AutoRecovery switch the platform forwards; <c>ControlClient</c> adds the conductor's other requests on top of it.
/// </summary>
public sealed class ControlConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _socket;

    /// <summary>A connection to the conductor of <paramref name="home"/>.</summary>
    public ControlConnection(O4OHome home, TimeSpan? timeout = null)
    {
        _socket = home.ControlSocket;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://o4o-conductor/"), Timeout = timeout ?? TimeSpan.FromSeconds(10) };
    }

    /// <summary>The AutoRecovery switch.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    public Task<AutoRecoveryStatus> AutoRecoveryAsync(CancellationToken cancellationToken = default) =>
        SendAsync<AutoRecoveryStatus>(HttpMethod.Get, "auto-recovery", null, cancellationToken);

    /// <summary>Switches AutoRecovery on behalf of <paramref name="actor"/>.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    public Task<AutoRecoveryStatus> SetAutoRecoveryAsync(bool enabled, string actor, CancellationToken cancellationToken = default) =>
        SendAsync<AutoRecoveryStatus>(HttpMethod.Post, "auto-recovery", new AutoRecoveryRequest(enabled, actor), cancellationToken);

    /// <summary>Sends <paramref name="body"/> (or nothing) to <paramref name="path"/> and reads the answer as <typeparamref name="T"/>.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    /// <exception cref="ControlRequestException">The conductor refused the request.</exception>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: ControlJson.Options),
        };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or SocketException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ConductorUnreachableException(_socket, exception);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(cancellationToken);
                throw new ControlRequestException((int)response.StatusCode, problem?.Detail ?? response.ReasonPhrase ?? "");
            }

            return (await response.Content.ReadFromJsonAsync<T>(ControlJson.Options, cancellationToken))!;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>No conductor answers on the control socket (it is not running, or runs for another home).</summary>
/// <param name="socket">The socket tried.</param>
/// <param name="inner">The connection failure.</param>
public sealed class ConductorUnreachableException(string socket, Exception inner)
    : Exception($"No conductor answers on {socket}: start it with `o4o up`.", inner);

/// <summary>The conductor refused a request (e.g. an unknown component).</summary>
/// <param name="status">The HTTP status.</param>
/// <param name="detail">Why.</param>
public sealed class ControlRequestException(int status, string detail) : Exception(detail)
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; } = status;
}

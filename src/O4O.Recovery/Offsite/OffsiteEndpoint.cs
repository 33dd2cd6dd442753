using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace O4O.Recovery.Offsite;

/// <summary>
/// Whether the off-site endpoint answers at all, asked before each round of work on the bucket: that it takes a TCP
/// connection, completes a TLS handshake and answers an HTTP request, each within <see cref="Timeout"/>. An endpoint that
/// is down refuses the connection at once; one that takes connections and then stays silent (a hung server, a middlebox
/// swallowing the traffic) would otherwise hold pgBackRest for its io-timeout on every file and the SDK for its request
/// timeout on every attempt. A certificate that does not pass (against <c>caFile</c> when given) ends the probe as answered:
/// pgBackRest and the SDK check it again and say better why they refuse it.
/// </summary>
internal static class OffsiteEndpoint
{
    /// <summary>How long each step may take before the endpoint counts as not answering.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Null when <paramref name="host"/>:<paramref name="port"/> answers; otherwise why not, in one line.</summary>
    public static async Task<string?> WhyNotAnsweringAsync(string host, int port, string? caFile, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        var step = "no TCP connection";
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, limit.Token);
            step = "it took the connection but completed no TLS handshake";
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, CertificateChainPolicy = ChainPolicy(caFile) }, limit.Token);
            step = "it completed the TLS handshake but gave no HTTP answer";
            await tls.WriteAsync(Encoding.ASCII.GetBytes($"HEAD / HTTP/1.1\r\nHost: {host}:{port.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n"), limit.Token);
            var answer = new byte[5];
            await tls.ReadExactlyAsync(answer, limit.Token);
            return Encoding.ASCII.GetString(answer) == "HTTP/" ? null : "it answered something else than HTTP";
        }
        catch (SocketException refused)
        {
            return refused.Message;
        }
        catch (AuthenticationException)
        {
            // It answered, in a TLS that will not do: the client that follows says why, better than here.
            return null;
        }
        catch (Exception closed) when (closed is IOException or EndOfStreamException)
        {
            return $"{step}: {closed.Message}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{step} within {Timeout.TotalSeconds:0} s";
        }
    }

    /// <summary>The chain policy that trusts <paramref name="caFile"/> (a private endpoint's CA) alone; null for the system's roots.</summary>
    public static X509ChainPolicy? ChainPolicy(string? caFile)
    {
        if (caFile is not { Length: > 0 })
        {
            return null;
        }

        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }
}

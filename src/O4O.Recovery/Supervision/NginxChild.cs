using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Supervision;

/// <summary>
/// nginx in front of the platform: its configuration regenerated and checked with <c>nginx -t</c> before every start,
/// then the master process run in the foreground as a child. Its probe goes through it to the platform's liveness (or, while
/// the shop is isolated, to the maintenance page).
/// </summary>
public sealed class NginxChild(O4OHome home, NginxOptions options, IReadOnlyList<int> platformPorts, SupervisionOptions supervision) : ISupervisedChild, IDisposable
{
    /// <summary>The component name.</summary>
    public const string Component = "nginx";

    private const int SigQuit = 3;
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        // Its own nginx on loopback, known by the certificate it was configured with, not by a CA: the probe checks
        // that nginx serves that certificate. After the file is renewed the old one no longer matches, the probes fail
        // and the restart makes nginx load the new one.
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && IsConfigured(options, presented) },
    });
    private Process? _process;
    private Task<int> _exited = new TaskCompletionSource<int>().Task;

    /// <inheritdoc />
    public string Name => Component;

    /// <inheritdoc />
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <inheritdoc />
    public bool CanRestart => true;

    /// <inheritdoc />
    public Task<int> Exited => _exited;

    /// <inheritdoc />
    public async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        var config = NginxConfig.Write(home, options, platformPorts);
        var prefix = NginxConfig.Prefix(home);
        var check = await CommandRunner.RunAsync(new ProcessStartInfo(options.Binary, ["-t", "-p", prefix, "-c", config]), cancellationToken);
        if (check.ExitCode != 0)
        {
            return $"nginx -t refused the configuration: {check.LastErrorLine}";
        }

        _process?.Dispose();
        // Its output goes to its own logs; a process holding the conductor's standard streams would keep them open.
        var process = Process.Start(new ProcessStartInfo(options.Binary, ["-p", prefix, "-c", config])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _exited = process.WaitForExitAsync(CancellationToken.None).ContinueWith(_ => process.ExitCode, TaskScheduler.Default);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < _startTimeout)
        {
            if (_exited.IsCompleted)
            {
                return $"{ExitStatus.Describe(await _exited)} before answering (see {NginxConfig.ErrorLog(home)})";
            }

            var probe = await ProbeAsync(supervision.ProbeTimeout, cancellationToken);
            if (probe.Healthy || probe.Error?.StartsWith("HTTP 502", StringComparison.Ordinal) == true)
            {
                return null;
            }

            await Task.Delay(50, cancellationToken);
        }

        return $"did not answer within {_startTimeout.TotalSeconds:0} s";
    }

    /// <inheritdoc />
    public async Task StopAsync(bool graceful)
    {
        if (_process is { HasExited: false } process)
        {
            // SIGQUIT is nginx's graceful shutdown (finish requests in flight); SIGTERM is its fast one.
            await UnixProcess.StopAsync(process, SigQuit, graceful ? supervision.StopTimeout : TimeSpan.Zero);
        }
    }

    /// <inheritdoc />
    public async Task<ProbeResult> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Address(options), "api/health/live"));
        request.Headers.Host = $"api.{options.Domain}";
        // An isolated shop's nginx answers its maintenance page: it works, and must not be restarted for it.
        return await HttpProbe.ProbeAsync(_client, request, timeout,
            response => response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && response.Headers.Contains(NginxConfig.IsolatedHeader),
            cancellationToken);
    }

    /// <summary>Where nginx serves the shop from this machine: its HTTPS port with TLS, else its HTTP port.</summary>
    public static Uri Address(NginxOptions options)
    {
        // Listening on every address includes loopback; on one address, that one.
        var host = options.Address is "0.0.0.0" or "*" ? "127.0.0.1" : options.Address;
        return new Uri(options.Tls
            ? string.Create(CultureInfo.InvariantCulture, $"https://{host}:{options.HttpsPort}/")
            : string.Create(CultureInfo.InvariantCulture, $"http://{host}:{options.Port}/"));
    }

    private static bool IsConfigured(NginxOptions options, X509Certificate presented)
    {
        try
        {
            using var configured = X509CertificateLoader.LoadCertificateFromFile(options.Certificate!);
            return configured.GetCertHash().AsSpan().SequenceEqual(presented.GetCertHash());
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _process?.Dispose();
        _client.Dispose();
    }
}

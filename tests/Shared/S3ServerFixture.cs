using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace O4O.Tests.Shared;

/// <summary>
/// A real S3-compatible server for a test class: <c>s3rver</c> (pinned in <c>tests/s3server/package.json</c>, installed
/// by <c>./test</c>) on a free loopback port over TLS, with a self-signed certificate made here for <c>DNS:localhost</c>
/// and <c>IP:127.0.0.1</c> (pgBackRest matches host names only), path-style buckets and the bucket <see cref="Bucket"/>.
/// It can be stopped and started again mid-test on the same port, for interruption tests.
/// </summary>
public sealed partial class S3ServerFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("o4o-s3-").FullName;
    private Process? _server;

    /// <summary>The bucket the server creates at start.</summary>
    public string Bucket => "o4o";

    /// <summary>s3rver's fixed credentials.</summary>
    public string AccessKeyId => "S3RVER";

    /// <summary>s3rver's fixed credentials.</summary>
    public string SecretAccessKey => "S3RVER";

    /// <summary>The loopback port it listens on (the same after a restart).</summary>
    public int Port { get; private set; }

    /// <summary>The endpoint URL, by the name the certificate holds.</summary>
    public string Endpoint => $"https://localhost:{Port}";

    /// <summary>The server's certificate (self-signed, so also the CA file a client trusts), readable by the service user.</summary>
    public string CaFile => Path.Combine(_root, "cert.pem");

    /// <summary>Where the server keeps the buckets' objects, to look at what was uploaded.</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    public async Task InitializeAsync()
    {
        // pgBackRest runs as the service user and reads the CA file.
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        WriteCertificate();
        Directory.CreateDirectory(DataDirectory);
        await StartAsync();
    }

    /// <summary>Starts the server (again, on the same port after the first start) and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (_server is not null)
        {
            return;
        }

        var start = new ProcessStartInfo(Executable(), [
            "-d", DataDirectory, "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--key", Path.Combine(_root, "key.pem"), "--cert", CaFile, "--no-vhost-buckets", "--configure-bucket", Bucket,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        _server = Process.Start(start) ?? throw new InvalidOperationException("s3rver could not be started.");
        DataReceivedEventHandler read = (_, line) =>
        {
            lock (output)
            {
                output.Add(line.Data ?? "");
            }

            if (line.Data is not null && ListeningLine().Match(line.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        _server.OutputDataReceived += read;
        _server.ErrorDataReceived += read;
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var exited = _server.WaitForExitAsync();
        if (await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(30))) != listening.Task)
        {
            await StopAsync();
            lock (output)
            {
                throw new InvalidOperationException($"s3rver did not start listening: {string.Join('\n', output)}");
            }
        }

        Port = await listening.Task;
        using var probe = new TcpClient();
        await probe.ConnectAsync(IPAddress.Loopback, Port);
    }

    /// <summary>Stops the server at once (SIGKILL), as a lost connection mid-upload looks to a client.</summary>
    public async Task StopAsync()
    {
        if (_server is null)
        {
            return;
        }

        _server.Kill(entireProcessTree: true);
        await _server.WaitForExitAsync();
        _server.Dispose();
        _server = null;
    }

    /// <summary>Every object's stored bytes in the bucket, concatenated: to prove what did or did not leave the machine.</summary>
    public byte[] AllStoredBytes() => Directory.EnumerateFiles(Path.Combine(DataDirectory, Bucket), "*", SearchOption.AllDirectories)
        .Where(path => !path.EndsWith("._S3rver_metadata.json", StringComparison.Ordinal))
        .SelectMany(File.ReadAllBytes).ToArray();

    /// <summary>The keys of the objects in the bucket (s3rver stores each as a <c>._S3rver_object</c> file under its key).</summary>
    public IReadOnlyList<string> ObjectKeys() => Directory.EnumerateFiles(Path.Combine(DataDirectory, Bucket), "*._S3rver_object", SearchOption.AllDirectories)
        .Select(path => Path.GetRelativePath(Path.Combine(DataDirectory, Bucket), path)[..^"._S3rver_object".Length])
        .Order(StringComparer.Ordinal).ToList();

    /// <summary>The numbers of the parts the server holds whole for the multipart upload <paramref name="uploadId"/> (each part's MD5 file is written once it is received).</summary>
    public IReadOnlyList<int> PartsReceived(string uploadId) =>
        Directory.EnumerateFiles(Path.Combine(DataDirectory, Bucket, "._S3rver_uploads", uploadId), "*.md5")
            .Select(path => int.Parse(Path.GetFileNameWithoutExtension(path), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();

    public async Task DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_root, recursive: true);
    }

    private void WriteCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        // Its own CA, as openssl req -x509 makes it: the client's CA file is this certificate.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
        File.WriteAllText(CaFile, certificate.ExportCertificatePem());
        File.SetUnixFileMode(CaFile, (UnixFileMode)0b110_100_100);
        var keyFile = Path.Combine(_root, "key.pem");
        File.WriteAllText(keyFile, "");
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }

    // tests/s3server/node_modules/.bin/s3rver, found from the test assembly up to the repository.
    private static string Executable()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var folder = Path.Combine(directory.FullName, "tests", "s3server");
            if (File.Exists(Path.Combine(folder, "package.json")))
            {
                var executable = Path.Combine(folder, "node_modules", ".bin", "s3rver");
                return File.Exists(executable)
                    ? executable
                    : throw new InvalidOperationException($"s3rver is not installed: run ./test, or npm ci in {folder}.");
            }
        }

        throw new InvalidOperationException("tests/s3server was not found above the test assembly.");
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}

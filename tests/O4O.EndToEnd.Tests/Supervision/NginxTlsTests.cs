using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// The production nginx site: the conductor's nginx with a certificate (made here, signed by the test's own CA) serving
/// <c>api.</c>, <c>admin.</c> and <c>www.</c> of the domain over TLS on loopback, in front of the real platform.
/// </summary>
public sealed class NginxTlsTests
{
    private const string Domain = "shop.test";

    [Fact]
    public async Task Nginx_serves_api_admin_and_www_over_TLS_redirects_plain_HTTP_and_takes_a_picture_upload_but_not_more()
    {
        var directory = Directory.CreateTempSubdirectory("o4o-tls-").FullName;
        using var ca = CertificateAuthority();
        var (certificate, key) = WriteServerCertificate(ca, directory);
        var (port, httpsPort) = (FreePort.Next(), FreePort.Next());
        try
        {
            await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string>
            {
                ["O4O__Nginx__Enabled"] = "true",
                ["O4O__Nginx__Domain"] = Domain,
                ["O4O__Nginx__Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["O4O__Nginx__HttpsPort"] = httpsPort.ToString(CultureInfo.InvariantCulture),
                ["O4O__Nginx__Certificate"] = certificate,
                ["O4O__Nginx__CertificateKey"] = key,
            });
            using var https = Client(ca, new Uri($"https://api.{Domain}:{httpsPort}/"));
            await up.Up.WaitForOkAsync(https, "/api/health", TimeSpan.FromSeconds(30));
            var prefix = Path.Combine(up.Home.Root, "nginx");
            var check = await CommandRunner.RunAsync(new ProcessStartInfo("nginx", ["-t", "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf")]));
            Assert.True(check.ExitCode == 0, check.StandardError);

            using var api = await https.GetAsync(new Uri($"https://api.{Domain}:{httpsPort}/api/health"));
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
            Assert.Equal("max-age=31536000", string.Join(",", api.Headers.GetValues("Strict-Transport-Security")));
            using var admin = await https.GetAsync(new Uri($"https://admin.{Domain}:{httpsPort}/"));
            Assert.Equal(HttpStatusCode.Found, admin.StatusCode);
            Assert.Equal($"https://admin.{Domain}:{httpsPort}/admin", admin.Headers.Location?.OriginalString);
            using var www = await https.GetAsync(new Uri($"https://www.{Domain}:{httpsPort}/"));
            Assert.Equal(HttpStatusCode.OK, www.StatusCode);
            Assert.Contains("text/html", www.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);

            foreach (var host in new[] { "api", "admin", "www" })
            {
                using var plain = await https.GetAsync(new Uri($"http://{host}.{Domain}:{port}/api/health?from=plain"));
                Assert.Equal(HttpStatusCode.MovedPermanently, plain.StatusCode);
                Assert.Equal($"https://{host}.{Domain}:{httpsPort}/api/health?from=plain", plain.Headers.Location?.OriginalString);
            }

            // A 12 MB picture form reaches the platform, which answers it (problem details); 17 MB is refused by nginx itself.
            using var picture = await PostAsync(https, $"https://admin.{Domain}:{httpsPort}/admin/products/1/image", 12_000_000);
            Assert.Equal("application/problem+json", picture.Content.Headers.ContentType?.MediaType);
            using var tooBig = await PostAsync(https, $"https://admin.{Domain}:{httpsPort}/admin/products/1/image", 17_000_000);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
            Assert.Equal("text/html", tooBig.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, int bytes)
    {
        using var content = new ByteArrayContent(new byte[bytes]);
        content.Headers.ContentType = new("application/octet-stream");
        return await client.PostAsync(new Uri(url), content);
    }

    // Every name resolves to nginx on loopback; the URL's host is what TLS (SNI, the certificate's names) and Host see.
    private static HttpClient Client(X509Certificate2 ca, Uri baseAddress) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, errors) => TrustedByTheTestsCa(ca, presented, errors) },
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private static bool TrustedByTheTestsCa(X509Certificate2 ca, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(leaf);
    }

    private static X509Certificate2 CertificateAuthority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=O4O test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
    }

    /// <summary>A certificate for the three hosts and the bare domain, signed by <paramref name="ca"/>, as PEM files nginx reads.</summary>
    private static (string Certificate, string Key) WriteServerCertificate(X509Certificate2 ca, string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=www.{Domain}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in new[] { $"api.{Domain}", $"admin.{Domain}", $"www.{Domain}", Domain })
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        var certificate = Path.Combine(directory, "fullchain.pem");
        var keyFile = Path.Combine(directory, "privkey.pem");
        File.WriteAllText(certificate, signed.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        return (certificate, keyFile);
    }
}

using System.Security.Cryptography.X509Certificates;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

public sealed class S3ServerFixtureTests(S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task The_test_S3_server_answers_over_TLS_for_localhost_and_again_on_the_same_port_after_a_stop()
    {
        using var client = TrustingOnly(server.CaFile);
        var endpoint = server.Endpoint;

        // The bucket it was told to create, listed over a connection verified against the CA file alone.
        Assert.Contains("<ListBucketResult", await (await client.GetAsync($"{endpoint}/{server.Bucket}")).Content.ReadAsStringAsync());

        await server.StopAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"{endpoint}/{server.Bucket}"));

        await server.StartAsync();
        Assert.Equal(endpoint, server.Endpoint);
        Assert.Contains("<ListBucketResult", await (await client.GetAsync($"{endpoint}/{server.Bucket}")).Content.ReadAsStringAsync());
    }

    // Trusts the server's own certificate as the only root, as a client given the CA file does.
    private static HttpClient TrustingOnly(string caFile)
    {
        var root = X509CertificateLoader.LoadCertificateFromFile(caFile);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero };
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, CustomTrustStore = { root } };
        return new HttpClient(handler);
    }
}

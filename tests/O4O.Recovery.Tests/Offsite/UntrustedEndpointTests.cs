using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using O4O.Recovery.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>
/// pgBackRest answers <c>info</c> on an off-site repository it cannot read (here: a server certificate the configured CA
/// did not sign) with exit code 0 and no backup sets. Read as it is, a bucket holding every physical backup looks empty and
/// <c>restore --from</c> falls back to an older logical archive; it is an error with pgBackRest's reason instead.
/// </summary>
public sealed class UntrustedEndpointTests(S3ServerFixture server) : IClassFixture<S3ServerFixture>, IAsyncLifetime
{
    private readonly string _otherCa = Path.Combine(Directory.CreateTempSubdirectory("o4o-ca-").FullName, "other-ca.pem");
    private ArchivingClusterFixture _archiving = null!;

    public async Task InitializeAsync()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=another-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(_otherCa, certificate.ExportCertificatePem());
        File.SetUnixFileMode(Path.GetDirectoryName(_otherCa)!, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_otherCa, (UnixFileMode)0b110_100_100);
        var offsite = server.Options($"o4o-{Guid.NewGuid():N}");
        offsite.CaFile = _otherCa;
        _archiving = new ArchivingClusterFixture { Offsite = offsite };
        await _archiving.InitializeAsync();
    }

    [Fact]
    public async Task Reading_an_off_site_repository_behind_a_certificate_its_CA_file_does_not_vouch_for_fails_with_pgBackRests_reason_not_an_empty_list()
    {
        var failure = await Assert.ThrowsAsync<PgBackRestException>(() => _archiving.PgBackRest.InfoAsync(PgBackRestOffsite.Remote, CancellationToken.None));

        Assert.StartsWith("pgbackrest info failed: [CryptoError] unable to verify certificate presented by 'localhost:", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    public async Task DisposeAsync()
    {
        await _archiving.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_otherCa)!, recursive: true);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using O4O.Recovery.IO;

namespace O4O.Recovery.Configuration;

/// <summary>
/// The certificate that encrypts a data-protection key ring (the keys behind the admin's and the dashboard's cookies and
/// antiforgery tokens) at rest: generated once into <c>secrets/</c> (0600), so a copy of the key ring alone reveals no key.
/// </summary>
public static class KeyRingCertificate
{
    /// <summary>Loads the certificate <paramref name="name"/> in <c>secrets/</c>, making it on first use.</summary>
    /// <param name="home">The O4O home.</param>
    /// <param name="name">The file: one per process that makes it (the platform's, the conductor's), so neither replaces the other's.</param>
    public static X509Certificate2 LoadOrCreate(O4OHome home, string name = "data-protection.pfx")
    {
        var path = Path.Combine(home.Secrets, name);
        if (!File.Exists(path))
        {
            using var key = RSA.Create(3072);
            var request = new CertificateRequest("CN=O4O Platform data protection", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var now = DateTimeOffset.UtcNow;
            // Its lifetime does not matter (the key ring checks no dates); a key ring must never outlive the certificate.
            using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(100));
            AtomicFile.WriteAllBytes(path, created.Export(X509ContentType.Pkcs12));
        }

        // Ephemeral: the private key stays in this process, never in a key store of the OS user's home.
        return X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.EphemeralKeySet);
    }
}

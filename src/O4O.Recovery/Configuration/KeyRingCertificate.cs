using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using O4O.Recovery.IO;

namespace O4O.Recovery.Configuration;

/// <summary>
/// The certificate that encrypts the data-protection key ring (the keys behind admin cookies and antiforgery tokens)
/// at rest: generated once into <c>secrets/data-protection.pfx</c> (0600), so a copy of the key ring alone reveals no key.
/// </summary>
public static class KeyRingCertificate
{
    /// <summary>Loads the certificate, making it on first use.</summary>
    public static X509Certificate2 LoadOrCreate(O4OHome home)
    {
        var path = Path.Combine(home.Secrets, "data-protection.pfx");
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

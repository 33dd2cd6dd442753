using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Platform.Auth;

/// <summary>The HMAC key that signs bearer tokens: from <c>Auth:SigningKey</c>, else generated once into the home.</summary>
internal sealed class SigningKey
{
    public const int MinimumBytes = 32;

    public SigningKey(IOptions<AuthOptions> options, O4OHome home)
    {
        var configured = options.Value.SigningKey;
        var bytes = string.IsNullOrWhiteSpace(configured) ? LoadOrCreate(home.SigningKeyFile) : Convert.FromBase64String(configured);
        SecurityKey = new SymmetricSecurityKey(bytes);
    }

    public SymmetricSecurityKey SecurityKey { get; }

    public static bool IsValid(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return true;
        }

        var buffer = new byte[configured.Length];
        return Convert.TryFromBase64String(configured, buffer, out var length) && length >= MinimumBytes;
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        var key = RandomNumberGenerator.GetBytes(64);
        AtomicFile.WriteAllText(path, Convert.ToBase64String(key), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}

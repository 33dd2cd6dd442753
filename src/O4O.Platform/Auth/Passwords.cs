using Microsoft.AspNetCore.Identity;
using O4O.Platform.Users;

namespace O4O.Platform.Auth;

/// <summary>ASP.NET Core Identity's PBKDF2 password hasher, without the user argument it never reads.</summary>
internal sealed class Passwords
{
    private readonly PasswordHasher<UserAccount> _hasher = new();
    private readonly Lazy<string> _decoyHash;

    public Passwords() => _decoyHash = new Lazy<string>(() => Hash(Guid.NewGuid().ToString()));

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public PasswordVerificationResult Verify(string hash, string password) => _hasher.VerifyHashedPassword(null!, hash, password);

    /// <summary>Spends the same time as a real check, so an unknown e-mail cannot be told apart by timing.</summary>
    public void VerifyDecoy(string password) => _hasher.VerifyHashedPassword(null!, _decoyHash.Value, password);
}

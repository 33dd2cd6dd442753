using System.ComponentModel.DataAnnotations;

namespace O4O.Platform.Auth;

/// <summary>The <c>Auth</c> section: token signing, lockout and the sign-in limit per address.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Base64 of at least 32 bytes; when unset a key is generated once into <c>secrets/jwt-signing.key</c>.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed logins from one address within <see cref="LockoutWindow"/> that lock the account for that address.</summary>
    public int LockoutThreshold { get; set; } = 5;

    public TimeSpan LockoutWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in requests (login, registration, the admin form) one client address may make per <see cref="SignInWindow"/>.</summary>
    [Range(1, int.MaxValue)]
    public int SignInPermitLimit { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);
}

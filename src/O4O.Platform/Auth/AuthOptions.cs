namespace O4O.Platform.Auth;

/// <summary>The <c>Auth</c> section: token signing and lockout.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Base64 of at least 32 bytes; when unset a key is generated once into <c>secrets/jwt-signing.key</c>.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed logins within <see cref="LockoutWindow"/> that lock an account.</summary>
    public int LockoutThreshold { get; set; } = 5;

    public TimeSpan LockoutWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}

namespace O4O.Recovery.Configuration;

/// <summary>The <c>Admin</c> section: the administrator account seeded on first run.</summary>
public sealed class AdminOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Admin";

    /// <summary>The admin's e-mail address (<c>O4O__Admin__Email</c>).</summary>
    public string Email { get; set; } = "admin@o4o.local";

    /// <summary>The admin's password (<c>O4O__Admin__Password</c>); generated and printed once when unset.</summary>
    public string? Password { get; set; }
}

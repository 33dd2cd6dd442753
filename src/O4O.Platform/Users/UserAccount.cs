namespace O4O.Platform.Users;

/// <summary>A row of <c>users</c> as sign-in sees it, password hash included: never serialised to a client.</summary>
public sealed record UserAccount(long Id, string Email, string PasswordHash, string Role, bool Disabled, DateTime? LockedUntil, int SessionVersion);

/// <summary>The two roles a user can have.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Customer = "customer";
}

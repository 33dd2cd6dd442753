namespace O4O.Platform.Users;

/// <summary>A user as the API shows it: everything but the password hash.</summary>
public sealed record UserResponse(long Id, string Email, string Role, DateTime CreatedAt, bool Disabled, DateTime? LockedUntil)
{
    /// <summary>The <c>users</c> columns this record is read from, in its constructor's order.</summary>
    internal const string Columns = "id, email, role, created_at, disabled, locked_until";
}

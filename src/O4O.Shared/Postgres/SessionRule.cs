using System.Globalization;
using Npgsql;

namespace O4O.Recovery.Postgres;

/// <summary>
/// Whether a platform session (bearer token or admin cookie) is still current: its account still has the session
/// version, the role and the enabled state the session was issued with (<c>users.session_version</c> moves on a lock).
/// One rule for the platform's <c>SessionCheck</c> and the conductor's dashboard, so both end the same sessions.
/// </summary>
public static class SessionRule
{
    private const string IsCurrentSql = """
        SELECT EXISTS (
            SELECT 1 FROM users WHERE id = @id AND session_version = @version AND role = @role AND NOT disabled)
        """;

    /// <summary>
    /// Reads the account of the session whose claims are <paramref name="subject"/> (<c>sub</c>),
    /// <paramref name="version"/> (<c>session_version</c>) and <paramref name="role"/>; false when a claim is missing
    /// or malformed (a session issued before versions existed).
    /// </summary>
    /// <exception cref="NpgsqlException">The database could not be reached (see <see cref="DatabaseFailure"/>).</exception>
    public static async Task<bool> IsCurrentAsync(NpgsqlDataSource dataSource, string? subject, string? version, string? role,
        CancellationToken cancellationToken)
    {
        if (!long.TryParse(subject, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var sessionVersion)
            || role is null)
        {
            return false;
        }

        await using var command = dataSource.CreateCommand(IsCurrentSql);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", sessionVersion);
        command.Parameters.AddWithValue("role", role);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}

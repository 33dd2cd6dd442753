using Npgsql;

namespace O4O.Recovery.Health;

/// <summary>
/// Names the states in which a PostgreSQL server answers but the platform's database does not serve it: restarting the
/// server changes none of them, so none may pass for a dead server.
/// </summary>
internal static class DatabaseCondition
{
    /// <summary>
    /// Asked after connecting, in the probe's one round trip: a standby or a server replaying WAL, and a database whose
    /// sessions start read-only (<c>default_transaction_read_only</c>, set by <c>ALTER DATABASE</c> or the server).
    /// </summary>
    internal const string Query = "SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on'";

    /// <summary>The evidence when the server refused the connection for a reason of its own; null for any other error.</summary>
    public static string? Refused(NpgsqlException exception, string database) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.ObjectNotInPrerequisiteState } refused
            when refused.MessageText.Contains("not currently accepting connections", StringComparison.Ordinal) =>
            $"database {database} is reachable but refuses connections (datallowconn is false; the server is up): {refused.MessageText}",
        PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow } starting
            when starting.MessageText.Contains("recovery", StringComparison.Ordinal) || starting.MessageText.Contains("not yet accepting", StringComparison.Ordinal) =>
            $"the server is in recovery and accepts no connections yet (the server is up): {starting.MessageText}",
        _ => null,
    };

    /// <summary>The evidence when the connected session cannot write; null when it can.</summary>
    public static string? CannotWrite(bool inRecovery, bool readOnly, string database) =>
        inRecovery ? "the server is in recovery (a standby, or replaying WAL): it answers reads but refuses writes"
        : readOnly ? $"database {database} is read-only (default_transaction_read_only is on): it answers reads but refuses writes"
        : null;
}

using System.Net.Sockets;
using Npgsql;

namespace O4O.Recovery.Postgres;

/// <summary>
/// Tells a lost or refused database connection apart from an error in a query: the platform answers 503 on the first,
/// and the platform's session check and the conductor's dashboard let a signed session through unchecked.
/// </summary>
public static class DatabaseFailure
{
    /// <summary>Whether <paramref name="exception"/> (or one it wraps) means the database could not be reached.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => IsConnectionState(postgres.SqlState),
        NpgsqlException or SocketException or TimeoutException => true,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    // 57P01-57P03: terminated by an administrator, crash or shutdown; 08: connection exceptions; 53300: too many
    // connections; 3D000/55000: the database is gone or not accepting connections (swapped by a restore).
    private static bool IsConnectionState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal)
        || state is "57P01" or "57P02" or "57P03" or "53300" or "3D000" or "55000";
}

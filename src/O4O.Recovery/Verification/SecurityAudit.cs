using Npgsql;

namespace O4O.Recovery.Verification;

/// <summary>Failed logins from one address against one account within the audit window.</summary>
/// <param name="ClientAddress">The address the attempts came from ("unknown" when not recorded).</param>
/// <param name="Email">The account tried.</param>
/// <param name="Attempts">How many failed.</param>
/// <param name="Last">When the last one was.</param>
/// <param name="Reasons">The distinct reasons recorded (wrong password, locked, ...).</param>
public sealed record FailedLogins(string ClientAddress, string Email, long Attempts, DateTimeOffset Last, string Reasons);

/// <summary>An account that is locked now.</summary>
/// <param name="Email">The account.</param>
/// <param name="LockedUntil">Until when.</param>
public sealed record LockedAccount(string Email, DateTimeOffset LockedUntil);

/// <summary>An admin account created within the audit window.</summary>
/// <param name="Email">The account.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record NewAdmin(string Email, DateTimeOffset CreatedAt);

/// <summary>
/// The runbook's security check, from the platform's own records: failed logins grouped by address and account
/// (<c>auth_events</c>), locked accounts and recently created admins (<c>users</c>).
/// </summary>
public sealed class SecurityAudit(string connectionString)
{
    /// <summary>Failed logins since <paramref name="since"/>, most attempts first.</summary>
    public Task<IReadOnlyList<FailedLogins>> FailedLoginsAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT coalesce(client_address, 'unknown'), email, count(*), max(at), string_agg(DISTINCT reason, ', ' ORDER BY reason)
            FROM auth_events WHERE NOT succeeded AND at >= $1
            GROUP BY 1, 2 ORDER BY 3 DESC, 4 DESC
            """, since, reader => new FailedLogins(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)), cancellationToken);

    /// <summary>Accounts locked at <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<LockedAccount>> LockedAccountsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync("SELECT email, locked_until FROM users WHERE locked_until > $1 ORDER BY locked_until DESC", now,
            reader => new LockedAccount(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)), cancellationToken);

    /// <summary>Admin accounts created since <paramref name="since"/>.</summary>
    public Task<IReadOnlyList<NewAdmin>> NewAdminsAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        QueryAsync("SELECT email, created_at FROM users WHERE role = 'admin' AND created_at >= $1 ORDER BY created_at DESC", since,
            reader => new NewAdmin(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)), cancellationToken);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, DateTimeOffset parameter, Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = parameter.ToUniversalTime() } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}

using Dapper;
using Npgsql;
using O4O.Platform.Http;

namespace O4O.Platform.Users;

/// <summary>The SQL behind the user list (API and admin console) and an admin's lock and unlock.</summary>
internal sealed class UserStore(NpgsqlDataSource dataSource)
{
    public async Task<PagedList<UserResponse>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT {UserResponse.Columns} FROM users ORDER BY id LIMIT @limit OFFSET @offset;
            SELECT count(*) FROM users;
            """,
            new { limit = page.PageSize, offset = page.Offset },
            cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<UserResponse>()).AsList();
        return new PagedList<UserResponse>(items, page.Page, page.PageSize, await results.ReadSingleAsync<long>());
    }

    /// <summary>A new customer, or null when the address is taken (by any capitalisation of it).</summary>
    public async Task<UserResponse?> RegisterAsync(string email, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserResponse>(new CommandDefinition(
            $"""
            INSERT INTO users (email, password_hash, role) VALUES (@email, @passwordHash, 'customer')
            ON CONFLICT ((lower(email))) DO NOTHING
            RETURNING {UserResponse.Columns}
            """,
            new { email, passwordHash }, cancellationToken: cancellationToken));
    }

    public async Task<UserResponse?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserResponse>(new CommandDefinition(
            $"SELECT {UserResponse.Columns} FROM users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The e-mail addresses of the given users, for pages that list their orders.</summary>
    public async Task<IReadOnlyDictionary<long, string>> EmailsAsync(IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, string Email)>(new CommandDefinition(
            "SELECT id, email FROM users WHERE id = ANY(@ids)", new { ids = ids.Distinct().ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(row => row.Id, row => row.Email);
    }

    /// <summary>
    /// Locking disables the account until an admin unlocks it and moves its session version on, so the tokens and
    /// cookies it already holds stop working; unlocking also clears a lockout from failed logins, so the user can sign
    /// in again at once, from every address. Either is recorded in <c>user_lock_events</c> with the admin who did it, in the same
    /// statement. Returns the account after the change, or null when there is none.
    /// </summary>
    public async Task<UserResponse?> SetLockedAsync(long id, bool locked, long adminId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserResponse>(new CommandDefinition(
            $"""
            WITH changed AS (
                UPDATE users SET disabled = @locked,
                                 locked_until = CASE WHEN @locked THEN locked_until END,
                                 session_version = session_version + CASE WHEN @locked THEN 1 ELSE 0 END
                WHERE id = @id RETURNING {UserResponse.Columns}
            ), unlocked AS (
                DELETE FROM login_lockouts WHERE user_id = @id AND NOT @locked
            ), recorded AS (
                INSERT INTO user_lock_events (at, user_id, admin_id, locked) SELECT @at, id, @adminId, @locked FROM changed
            )
            SELECT {UserResponse.Columns} FROM changed
            """,
            new { id, locked, adminId, at }, cancellationToken: cancellationToken));
    }
}

namespace O4O.Platform.Auth;

internal static class LoginSql
{
    /// <summary>The account, with <c>locked_until</c> the lock of the signing-in address only.</summary>
    public const string FindUser = """
        SELECT u.id, u.email, u.password_hash, u.role, u.disabled,
               (SELECT l.locked_until FROM login_lockouts l WHERE l.user_id = u.id AND l.client_address = @address) AS locked_until,
               u.session_version
        FROM users u WHERE lower(u.email) = lower(@email)
        """;

    /// <summary>
    /// Counts a wrong password from one address inside the lockout window, and locks the account for that address
    /// when the count reaches the threshold, in one statement: the row lock of the upsert serialises concurrent
    /// guesses, so none is lost. Returns the new <c>locked_until</c> when this failure locked it, else null.
    /// </summary>
    public const string RecordFailure = """
        INSERT INTO login_lockouts AS l (user_id, client_address, failures, window_start, locked_until)
        VALUES (@id, @address, 1, @now, CASE WHEN @threshold <= 1 THEN @now + @duration END)
        ON CONFLICT (user_id, client_address) DO UPDATE SET
            failures = CASE WHEN l.window_start > @now - @window AND l.failures + 1 < @threshold THEN l.failures + 1
                            WHEN l.window_start > @now - @window THEN 0 ELSE 1 END,
            window_start = CASE WHEN l.window_start > @now - @window AND l.failures + 1 >= @threshold THEN NULL
                                WHEN l.window_start > @now - @window THEN l.window_start ELSE @now END,
            locked_until = CASE WHEN l.window_start > @now - @window AND l.failures + 1 >= @threshold THEN @now + @duration
                                ELSE l.locked_until END
        RETURNING CASE WHEN l.locked_until = @now + @duration THEN l.locked_until END
        """;

    /// <summary>Shows the newest lock on the account itself, for the admin's user list and <c>o4o audit</c>.</summary>
    public const string NoteLock = "UPDATE users SET locked_until = greatest(locked_until, @until) WHERE id = @id";

    /// <summary>
    /// Clears the address's failure count and saves a rehash, unless a concurrent failure has just locked the account
    /// for this address (then no row is updated).
    /// </summary>
    public const string RecordSuccess = """
        WITH locked AS (
            SELECT 1 FROM login_lockouts WHERE user_id = @id AND client_address = @address AND locked_until > @now
        ), cleared AS (
            DELETE FROM login_lockouts WHERE user_id = @id AND client_address = @address AND NOT EXISTS (SELECT 1 FROM locked)
        )
        UPDATE users SET password_hash = coalesce(@rehash, password_hash)
        WHERE id = @id AND NOT EXISTS (SELECT 1 FROM locked)
        """;

    public const string Audit = """
        INSERT INTO auth_events (at, email, client_address, succeeded, reason)
        VALUES (@at, @email, @address, @succeeded, @reason)
        """;
}

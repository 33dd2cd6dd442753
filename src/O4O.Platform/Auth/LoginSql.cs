namespace O4O.Platform.Auth;

internal static class LoginSql
{
    public const string FindUser = """
        SELECT id, email, password_hash, role, disabled, locked_until, session_version
        FROM users WHERE lower(email) = lower(@email)
        """;

    /// <summary>
    /// Counts a wrong password inside the lockout window and locks the account when the count reaches the
    /// threshold, in one statement: the row lock serialises concurrent guesses, so none is lost.
    /// Returns the new <c>locked_until</c> when this failure locked the account, else null.
    /// </summary>
    public const string RecordFailure = """
        WITH attempt AS (
            SELECT id,
                   CASE WHEN failed_login_window_start > @now - @window THEN failed_login_count + 1 ELSE 1 END AS failures,
                   CASE WHEN failed_login_window_start > @now - @window THEN failed_login_window_start ELSE @now END AS window_start
            FROM users WHERE id = @id FOR UPDATE
        )
        UPDATE users u SET
            failed_login_count = CASE WHEN a.failures >= @threshold THEN 0 ELSE a.failures END,
            failed_login_window_start = CASE WHEN a.failures >= @threshold THEN NULL ELSE a.window_start END,
            locked_until = CASE WHEN a.failures >= @threshold THEN @now + @duration ELSE u.locked_until END
        FROM attempt a WHERE u.id = a.id
        RETURNING CASE WHEN a.failures >= @threshold THEN u.locked_until END
        """;

    /// <summary>Clears the failure count, unless a concurrent failure has just locked the account.</summary>
    public const string RecordSuccess = """
        UPDATE users SET failed_login_count = 0, failed_login_window_start = NULL, locked_until = NULL,
                         password_hash = coalesce(@rehash, password_hash)
        WHERE id = @id AND (locked_until IS NULL OR locked_until <= @now)
        """;

    public const string Audit = """
        INSERT INTO auth_events (at, email, client_address, succeeded, reason)
        VALUES (@at, @email, @address, @succeeded, @reason)
        """;
}

using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;
using O4O.Platform.Users;

namespace O4O.Platform.Auth;

public enum LoginOutcome
{
    Succeeded,
    InvalidCredentials,
    Locked,
    Disabled,
}

public sealed record LoginResult(LoginOutcome Outcome, UserAccount? User = null, DateTimeOffset? LockedUntil = null);

/// <summary>
/// Checks a password against <c>users</c>, shared by the API and the admin sign-in form: one lockout, one audit
/// trail (<c>auth_events</c>) and one <c>Failed login</c> log line for both. Wrong passwords lock the account for the
/// address they came from (<c>login_lockouts</c>), so guesses from one place never lock the owner out of another.
/// </summary>
internal sealed class LoginService(
    NpgsqlDataSource dataSource,
    Passwords passwords,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<LoginService> logger)
{
    public async Task<LoginResult> LoginAsync(string email, string password, string clientAddress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<UserAccount>(new CommandDefinition(
            LoginSql.FindUser, new { email, address = clientAddress }, cancellationToken: cancellationToken));
        var attempt = new Attempt(connection, email, clientAddress, now, cancellationToken);

        if (user is null)
        {
            passwords.VerifyDecoy(password);
            return await FailAsync(attempt, "unknown email", new LoginResult(LoginOutcome.InvalidCredentials));
        }

        if (user.Disabled)
        {
            return await FailAsync(attempt, "account disabled", new LoginResult(LoginOutcome.Disabled));
        }

        if (user.LockedUntil is { } lockedUntil && lockedUntil > now.UtcDateTime)
        {
            return await FailAsync(attempt, "account locked for this address", new LoginResult(LoginOutcome.Locked, LockedUntil: lockedUntil));
        }

        var verdict = passwords.Verify(user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var locked = await RecordFailureAsync(attempt, user.Id);
            return locked is { } until
                ? await FailAsync(attempt, "wrong password; account locked for this address", new LoginResult(LoginOutcome.Locked, LockedUntil: until))
                : await FailAsync(attempt, "wrong password", new LoginResult(LoginOutcome.InvalidCredentials));
        }

        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? passwords.Hash(password) : null;
        var reset = await connection.ExecuteAsync(new CommandDefinition(
            LoginSql.RecordSuccess, new { id = user.Id, address = clientAddress, now, rehash }, cancellationToken: cancellationToken));
        if (reset == 0)
        {
            // A concurrent wrong guess locked the account between the check above and this update.
            return await FailAsync(attempt, "account locked for this address", new LoginResult(LoginOutcome.Locked));
        }

        await AuditAsync(attempt, succeeded: true, "ok");
        return new LoginResult(LoginOutcome.Succeeded, user);
    }

    private async Task<DateTimeOffset?> RecordFailureAsync(Attempt attempt, long userId)
    {
        var settings = options.Value;
        var lockedUntil = await attempt.Connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            LoginSql.RecordFailure,
            new
            {
                id = userId,
                address = attempt.ClientAddress,
                now = attempt.At,
                window = settings.LockoutWindow,
                threshold = settings.LockoutThreshold,
                duration = settings.LockoutDuration,
            },
            cancellationToken: attempt.CancellationToken));
        if (lockedUntil is not { } until)
        {
            return null;
        }

        await attempt.Connection.ExecuteAsync(new CommandDefinition(
            LoginSql.NoteLock, new { id = userId, until }, cancellationToken: attempt.CancellationToken));
        return new DateTimeOffset(until, TimeSpan.Zero);
    }

    private async Task<LoginResult> FailAsync(Attempt attempt, string reason, LoginResult result)
    {
        logger.LogWarning("Failed login for {Email} from {ClientAddress}: {Reason}", attempt.Email, attempt.ClientAddress, reason);
        await AuditAsync(attempt, succeeded: false, reason);
        return result;
    }

    private static async Task AuditAsync(Attempt attempt, bool succeeded, string reason) =>
        await attempt.Connection.ExecuteAsync(new CommandDefinition(
            LoginSql.Audit,
            new { at = attempt.At, email = attempt.Email, address = attempt.ClientAddress, succeeded, reason },
            cancellationToken: attempt.CancellationToken));

    private sealed record Attempt(
        NpgsqlConnection Connection, string Email, string ClientAddress, DateTimeOffset At, CancellationToken CancellationToken);
}

using Dapper;
using Npgsql;
using O4O.Platform.Auth;
using O4O.Recovery.Configuration;
using O4O.Recovery.Verification;

namespace O4O.Platform.Data;

/// <summary>
/// Gives <c>o4o verify</c> an account to sign in with (<see cref="SmokeTestAccount"/>). At every start its password is
/// set to this home's and any lock lifted: a database restored from another home, or locked by an attacker guessing,
/// must not fail the verification of a recovery.
/// </summary>
internal sealed class SmokeTestSeeder(NpgsqlDataSource dataSource, O4OHome home, Passwords passwords, ILogger<SmokeTestSeeder> logger)
{
    // A customer who owns the address already is left alone; an admin never becomes the smoke-test account.
    private const string Upsert = """
        WITH seeded AS (
            INSERT INTO users (email, password_hash, role) VALUES (@email, @hash, 'customer')
            ON CONFLICT ((lower(email))) DO UPDATE
            SET password_hash = EXCLUDED.password_hash, locked_until = NULL
            WHERE users.role = 'customer'
            RETURNING id
        ), unlocked AS (
            DELETE FROM login_lockouts WHERE user_id IN (SELECT id FROM seeded)
        )
        SELECT count(*) FROM seeded
        """;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var hash = passwords.Hash(SmokeTestAccount.LoadOrCreatePassword(home));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(Upsert, new { email = SmokeTestAccount.Email, hash }, cancellationToken: cancellationToken)) == 0)
        {
            logger.LogWarning("{Email} is an admin account: o4o verify needs O4O__Verify__Email and O4O__Verify__Password", SmokeTestAccount.Email);
        }
    }
}

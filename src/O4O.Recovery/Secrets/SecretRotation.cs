using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Dashboard;
using O4O.Recovery.IO;
using O4O.Recovery.Postgres;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Secrets;

/// <summary>
/// <c>o4o secrets rotate</c>'s steps, each on its own and each on the record (<see cref="Component"/>): a step that fails
/// leaves its old secret working. Files are replaced atomically (0600, temporary name, fsync, rename); the database
/// password changes in the transaction that also renames its file in place, so the role and the file never disagree
/// once it has committed. Nothing secret is ever written to the record.
/// </summary>
/// <param name="home">The home whose secrets are rotated.</param>
/// <param name="server">The platform's database server, as the superuser.</param>
/// <param name="journal">Where each step goes (the event log, the open incident's timeline).</param>
/// <param name="actor">Who rotates.</param>
/// <param name="time">The clock.</param>
public sealed class SecretRotation(O4OHome home, ResolvedDatabaseServer server, IRecoveryJournal journal, string actor, TimeProvider time)
{
    /// <summary>The component rotations are recorded under.</summary>
    public const string Component = "secrets";

    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>
    /// Ends every platform session: a new token signing key in <c>secrets/jwt-signing.key</c> unless the key is
    /// configured (<paramref name="configuredKey"/>), and every account's session version moved on, which the platform
    /// and the dashboard check on every request, so tokens signed with either key are refused at once.
    /// </summary>
    /// <returns>How many accounts were signed out.</returns>
    public async Task<int> SignOutEveryoneAsync(bool configuredKey, CancellationToken cancellationToken)
    {
        if (!configuredKey)
        {
            AtomicFile.WriteAllText(home.SigningKeyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
        }

        await using var connection = await OpenAsync(server.DatabaseName, cancellationToken);
        await using var bump = new NpgsqlCommand("UPDATE users SET session_version = session_version + 1", connection);
        var accounts = await bump.ExecuteNonQueryAsync(cancellationToken);
        await RecordAsync(configuredKey ? "kept the signing key set in Auth:SigningKey (rotate it there)" : "wrote a new token signing key",
            $"{accounts} account(s) signed out", cancellationToken);
        return accounts;
    }

    /// <summary>Replaces the dashboard's operator token; the old one no longer signs in.</summary>
    public async Task RotateOperatorTokenAsync(CancellationToken cancellationToken)
    {
        OperatorToken.Rotate(home);
        await RecordAsync("wrote a new operator token", "the old one no longer signs in to the dashboard", cancellationToken);
    }

    /// <summary>
    /// A new password for the platform's role (<see cref="OwnerRole"/>) and its file: the file is renamed in place
    /// inside the transaction that changes the role, and put back when the commit fails.
    /// </summary>
    public async Task RotateDatabasePasswordAsync(CancellationToken cancellationToken)
    {
        var password = ManagedCluster.NewPassword();
        var previous = await File.ReadAllTextAsync(home.OwnerPasswordFile, cancellationToken);
        await using var connection = await OpenAsync("postgres", cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await OwnerRole.EnsureAsync(connection, password, cancellationToken);
            AtomicFile.WriteAllText(home.OwnerPasswordFile, password);
            try
            {
                await transaction.CommitAsync(CancellationToken.None);
            }
            catch
            {
                AtomicFile.WriteAllText(home.OwnerPasswordFile, previous);
                throw;
            }
        }

        await RecordAsync($"changed the password of the role {OwnerRole.Name} and {home.OwnerPasswordFile}",
            "the old password no longer logs in", cancellationToken);
    }

    /// <summary>A new password for the admin account <paramref name="email"/>, returned once and never recorded.</summary>
    /// <exception cref="SecretRotationException">There is no such admin account.</exception>
    public async Task<string> RotateAdminPasswordAsync(string email, CancellationToken cancellationToken)
    {
        var password = RandomNumberGenerator.GetString(PasswordAlphabet, 20);
        var hash = new PasswordHasher<object>().HashPassword(new object(), password);
        await using var connection = await OpenAsync(server.DatabaseName, cancellationToken);
        await using var update = new NpgsqlCommand("""
            UPDATE users SET password_hash = @hash, session_version = session_version + 1
            WHERE lower(email) = lower(@email) AND role = 'admin'
            """, connection);
        update.Parameters.AddWithValue("hash", hash);
        update.Parameters.AddWithValue("email", email.Trim());
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new SecretRotationException($"There is no admin account {email} (Admin:Email) in {server.DatabaseName}: its password was not changed.");
        }

        await RecordAsync($"set a new password for the admin {email}", "printed once to the operator; the old one no longer signs in", cancellationToken);
        return password;
    }

    private async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(server.ConnectionString(database));
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception exception) when (DatabaseFailure.IsUnavailable(exception))
        {
            await connection.DisposeAsync();
            throw new DatabaseUnavailableException($"Cannot reach {database} to rotate secrets: {exception.Message}");
        }
    }

    private Task RecordAsync(string done, string outcome, CancellationToken cancellationToken) =>
        journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Action, "secrets rotation", done, outcome, Actor: actor),
            cancellationToken);
}

/// <summary>A rotation step cannot be done; its old secret still works.</summary>
public sealed class SecretRotationException(string message) : Exception(message);

using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using O4O.Platform.Auth;
using O4O.Recovery.Configuration;

namespace O4O.Platform.Data;

/// <summary>
/// Creates the admin account when there is none. A generated password goes to standard output once, never to the
/// log files: logs are shipped and kept, a console is watched by the person who started the platform.
/// </summary>
internal sealed class AdminSeeder(
    NpgsqlDataSource dataSource,
    IOptions<AdminOptions> options,
    Passwords passwords,
    ILogger<AdminSeeder> logger)
{
    private const string InsertAdmin = """
        INSERT INTO users (email, password_hash, role) VALUES (@email, @hash, 'admin')
        ON CONFLICT ((lower(email))) DO NOTHING
        """;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var hasAdmin = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin')", cancellationToken: cancellationToken));
        if (hasAdmin)
        {
            return;
        }

        var email = options.Value.Email.Trim().ToLowerInvariant();
        var password = options.Value.Password;
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
        }

        var hash = passwords.Hash(password!);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            InsertAdmin, new { email, hash }, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            logger.LogWarning("No admin account was created: {Email} already belongs to a customer", email);
            return;
        }

        logger.LogInformation("Created the admin account {Email}", email);
        if (generated)
        {
            await Console.Out.WriteLineAsync(
                $"O4O admin account created: {email} / password: {password} (shown once; set O4O__Admin__Password to choose it)");
            await Console.Out.FlushAsync(cancellationToken);
        }
    }
}

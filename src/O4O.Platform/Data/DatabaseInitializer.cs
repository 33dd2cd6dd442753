using Dapper;
using DbUp;
using Microsoft.Extensions.Options;
using Npgsql;
using O4O.Recovery.Configuration;

namespace O4O.Platform.Data;

/// <summary>
/// Applies the numbered migrations in <c>Data/Migrations</c> and seeds a first run, under an advisory lock so two
/// platform processes starting together never migrate at once.
/// </summary>
internal sealed class DatabaseInitializer(
    NpgsqlDataSource dataSource,
    IOptions<DatabaseOptions> database,
    AdminSeeder adminSeeder,
    SmokeTestSeeder smokeTestSeeder,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    // Any fixed number works; this one spells "O4O MIGR" in ASCII.
    private const long MigrationLock = 0x4F344F204D494752;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await lockConnection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_lock(@key)", new { key = MigrationLock }, cancellationToken: cancellationToken));
        try
        {
            Migrate();
            await adminSeeder.SeedAsync(cancellationToken);
            await smokeTestSeeder.SeedAsync(cancellationToken);
        }
        finally
        {
            await lockConnection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = MigrationLock });
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Migrate()
    {
        var result = DeployChanges.To
            .PostgresqlDatabase(database.Value.ConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseInitializer).Assembly, name => name.Contains(".Data.Migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        }

        foreach (var script in result.Scripts)
        {
            logger.LogInformation("Applied migration {Migration}", script.Name);
        }
    }
}

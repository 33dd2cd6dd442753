using System.Globalization;
using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using O4O.Platform.Data;
using O4O.Recovery.Postgres;

namespace O4O.Platform.Health;

/// <summary>
/// The tables and columns of <see cref="RequiredSchema"/> still exist: one catalogue query. A dropped table answers
/// <c>SELECT 1</c> as well as a healthy one, while every page that reads it fails; this is the check that sees it, and
/// it names what is missing the way PostgreSQL would (SQLSTATE first), so the conductor can tell damage from an outage.
/// </summary>
internal sealed class SchemaHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(3);

    // to_regclass resolves through the search path as the platform's own queries do, and is null for a missing table.
    private const string MissingSql = """
        SELECT required.table_name AS "Table", required.column_name AS "Column", to_regclass(quote_ident(required.table_name)) IS NULL AS "TableMissing"
        FROM unnest(@tables, @columns) AS required(table_name, column_name)
        WHERE NOT EXISTS (
            SELECT FROM pg_attribute attribute
            WHERE attribute.attrelid = to_regclass(quote_ident(required.table_name))
              AND attribute.attname = required.column_name AND attribute.attnum > 0 AND NOT attribute.attisdropped)
        """;

    private static readonly string[] _tables = [.. RequiredSchema.Tables.SelectMany(table => table.Value.Select(_ => table.Key))];
    private static readonly string[] _columns = [.. RequiredSchema.Tables.SelectMany(table => table.Value)];

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(timeout.Token);
            var missing = (await connection.QueryAsync<Missing>(new CommandDefinition(MissingSql,
                new { tables = _tables, columns = _columns }, cancellationToken: timeout.Token))).ToList();
            return missing.Count == 0
                ? HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"{RequiredSchema.Tables.Count} tables and their columns exist"))
                : HealthCheckResult.Unhealthy(Describe(missing), data: new Dictionary<string, object> { ["missing"] = missing.Count });
        }
        catch (Exception exception) when (DatabaseFailure.IsUnavailable(exception) || exception is OperationCanceledException)
        {
            // The database check says why the server did not answer; this one only says it could not look.
            return HealthCheckResult.Unhealthy($"not checked: {exception.Message}");
        }
    }

    // A missing table first (its columns are missing with it), then a missing column; the count of the rest.
    private static string Describe(List<Missing> missing)
    {
        var tables = missing.Where(m => m.TableMissing).Select(m => m.Table).Distinct(StringComparer.Ordinal).ToList();
        var first = tables.Count > 0
            ? $"42P01 relation \"{tables[0]}\" does not exist"
            : $"42703 column \"{missing[0].Column}\" of relation \"{missing[0].Table}\" does not exist";
        var more = tables.Count > 0 ? tables.Count - 1 + missing.Count(m => !m.TableMissing) : missing.Count - 1;
        return more == 0 ? first : string.Create(CultureInfo.InvariantCulture, $"{first} (and {more} more missing)");
    }

    private sealed record Missing(string Table, string Column, bool TableMissing);
}

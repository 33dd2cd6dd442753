using System.Globalization;
using Npgsql;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Verification;

/// <summary>
/// The runbook's data-integrity query (users, products, orders counts) and the shop's other records that are only ever
/// added to, compared with the row counts in the newest backup archive's manifest: fewer rows now than in the backup is
/// flagged as a loss. A runbook table that cannot be counted fails the check; an unreadable newest archive is named in
/// the detail and nothing is compared.
/// </summary>
public sealed class IntegrityCheck(string connectionString, string backupDirectory, TimeProvider time)
{
    /// <summary>The runbook's tables: each must be there.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["users", "products", "orders"];

    // Rows the shop never deletes (products are archived, orders cancelled, stock adjusted by a new row), counted when
    // the database has them: an older backup restored before the platform migrates it may not. Carts, sessions and
    // idempotency keys shrink by design and are not compared.
    private static readonly string[] _recordsOnlyAddedTo = ["order_items", "order_status_history", "categories", "stock_adjustments"];

    /// <summary>Counts the rows and compares them; never throws for a database that is down or damaged.</summary>
    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        IReadOnlyList<(string Table, long Rows)> counts;
        try
        {
            counts = await CountAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new CheckResult("integrity", false, $"the integrity query failed: {exception.Message}", time.GetElapsedTime(started).TotalMilliseconds);
        }

        var measurements = counts.ToDictionary(count => count.Table, count => (double)count.Rows);
        var now = string.Join(", ", counts.Select(count => string.Create(CultureInfo.InvariantCulture, $"{count.Table} {count.Rows}")));
        var archive = Directory.Exists(backupDirectory) ? ArchiveName.Newest(backupDirectory) : null;
        if (archive is null)
        {
            return new CheckResult("integrity", true, $"{now}; no backup in {backupDirectory} to compare with",
                time.GetElapsedTime(started).TotalMilliseconds, measurements);
        }

        BackupManifest manifest;
        try
        {
            manifest = await ArchiveReader.ReadManifestAsync(archive, cancellationToken);
        }
        catch (Exception exception) when (exception is BackupCorruptException or IOException or UnauthorizedAccessException)
        {
            return new CheckResult("integrity", true, $"{now}; the newest backup cannot be compared with: {exception.Message}",
                time.GetElapsedTime(started).TotalMilliseconds, measurements);
        }

        // The manifest counts tables as schema.table, in the dump's own snapshot.
        var losses = counts.Where(count => manifest.RowCounts.TryGetValue($"public.{count.Table}", out var before) && count.Rows < before)
            .Select(count => string.Create(CultureInfo.InvariantCulture, $"{count.Table} {count.Rows} < {manifest.RowCounts[$"public.{count.Table}"]}"))
            .ToList();
        var detail = losses.Count == 0
            ? $"{now}; none fewer than in {Path.GetFileName(archive)}"
            : $"DATA LOSS against {Path.GetFileName(archive)}: {string.Join(", ", losses)}";
        return new CheckResult("integrity", losses.Count == 0, detail, time.GetElapsedTime(started).TotalMilliseconds, measurements);
    }

    private async Task<IReadOnlyList<(string Table, long Rows)>> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var present = new List<string>(Tables);
        await using (var which = new NpgsqlCommand(
            "SELECT name FROM unnest(@names::text[]) WITH ORDINALITY AS t(name, position) WHERE to_regclass('public.' || quote_ident(name)) IS NOT NULL ORDER BY position",
            connection))
        {
            which.Parameters.AddWithValue("names", _recordsOnlyAddedTo);
            await using var reader = await which.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                present.Add(reader.GetString(0));
            }
        }

        // The names are this class's own constants, never input.
        await using var command = new NpgsqlCommand(
            "SELECT " + string.Join(", ", present.Select(table => $"(SELECT count(*) FROM public.\"{table}\")")), connection);
        await using var counts = await command.ExecuteReaderAsync(cancellationToken);
        await counts.ReadAsync(cancellationToken);
        return present.Select((table, index) => (table, counts.GetInt64(index))).ToList();
    }
}

using System.Globalization;
using Npgsql;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Verification;

/// <summary>
/// The runbook's data-integrity query (users, products, orders counts), compared with the row counts in the newest
/// backup archive's manifest: fewer rows now than in the backup is flagged as a loss. A table that cannot be counted
/// fails the check; an unreadable newest archive is named in the detail and nothing is compared.
/// </summary>
public sealed class IntegrityCheck(string connectionString, string backupDirectory, TimeProvider time)
{
    /// <summary>The runbook's tables.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["users", "products", "orders"];

    /// <summary>Counts the rows and compares them; never throws for a database that is down or damaged.</summary>
    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        Dictionary<string, long> counts;
        try
        {
            counts = await CountAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new CheckResult("integrity", false, $"the integrity query failed: {exception.Message}", time.GetElapsedTime(started).TotalMilliseconds);
        }

        var measurements = counts.ToDictionary(pair => pair.Key, pair => (double)pair.Value);
        var now = string.Join(", ", Tables.Select(table => string.Create(CultureInfo.InvariantCulture, $"{table} {counts[table]}")));
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
        var losses = Tables.Where(table => manifest.RowCounts.TryGetValue($"public.{table}", out var before) && counts[table] < before)
            .Select(table => string.Create(CultureInfo.InvariantCulture, $"{table} {counts[table]} < {manifest.RowCounts[$"public.{table}"]}"))
            .ToList();
        var detail = losses.Count == 0
            ? $"{now}; none fewer than in {Path.GetFileName(archive)}"
            : $"DATA LOSS against {Path.GetFileName(archive)}: {string.Join(", ", losses)}";
        return new CheckResult("integrity", losses.Count == 0, detail, time.GetElapsedTime(started).TotalMilliseconds, measurements);
    }

    private async Task<Dictionary<string, long>> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM products), (SELECT count(*) FROM orders)", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Tables.Select((table, index) => (table, reader.GetInt64(index))).ToDictionary(pair => pair.table, pair => pair.Item2);
    }
}

using Dapper;
using O4O.Recovery.Backups;

namespace O4O.Recovery.State;

/// <summary>The anomaly assessment of each logical archive, in <c>$O4O_HOME/state.db</c> (table <c>backup_anomalies</c>).</summary>
public sealed class BackupAnomalies
{
    private readonly string _path;

    /// <summary>Opens (and creates) the table in <paramref name="stateDatabase"/>.</summary>
    public BackupAnomalies(string stateDatabase)
    {
        _path = stateDatabase;
        StateDatabase.Prepare(stateDatabase);
    }

    /// <summary>Records (or replaces) <paramref name="archive"/>'s assessment.</summary>
    public void Record(string archive, DateTimeOffset at, ArchiveAnomaly anomaly)
    {
        using var connection = StateDatabase.Open(_path);
        connection.Execute("""
            INSERT OR REPLACE INTO backup_anomalies (name, assessed_at, score, suspicious, compared_with, reasons)
            VALUES (@archive, @at, @score, @suspicious, @compared, @reasons)
            """,
            new
            {
                archive,
                at = at.ToUnixTimeMilliseconds(),
                score = anomaly.Score,
                suspicious = anomaly.Suspicious ? 1 : 0,
                compared = anomaly.ComparedWith,
                reasons = string.Join('\n', anomaly.Reasons),
            });
    }

    /// <summary>Every assessment, by archive name; archives made before o4o assessed them have none.</summary>
    public IReadOnlyDictionary<string, ArchiveAnomaly> ReadAll()
    {
        using var connection = StateDatabase.Open(_path);
        return connection.Query<Row>("SELECT name, score, suspicious, compared_with AS ComparedWith, reasons FROM backup_anomalies")
            .ToDictionary(row => row.Name, row => new ArchiveAnomaly(row.Score, row.Suspicious == 1,
                row.Reasons.Length == 0 ? [] : row.Reasons.Split('\n'), (int)row.ComparedWith), StringComparer.Ordinal);
    }

    private sealed record Row(string Name, double Score, long Suspicious, long ComparedWith, string Reasons);
}

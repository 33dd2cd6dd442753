using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Backups;

/// <summary>
/// Screens each new logical archive (<c>o4o backup create</c>, the conductor's scheduled and dashboard backups) against the
/// clean archives before it, records the assessment in <c>state.db</c>, and reports a suspicious archive as a detected
/// failure of <see cref="Component"/> — an incident naming the archive and the reasons, which pages like any other and
/// stays open until a person resolves it (a later clean archive does not undo what a suspicious one shows).
/// </summary>
public static class ArchiveScreening
{
    /// <summary>The component of suspicious archives in events and incidents.</summary>
    public const string Component = "backup-anomaly";

    /// <summary>
    /// Where a command run without the conductor (<c>o4o backup create</c>) reports a suspicious archive: the event log and
    /// the incidents in <paramref name="stateDatabase"/>.
    /// </summary>
    public static IRecoveryJournal CommandJournal(string stateDatabase, IncidentOptions incidents) =>
        new RecoveryJournals([new EventLog(stateDatabase), new IncidentJournal(new IncidentStore(stateDatabase), incidents)]);

    /// <summary>Assesses <paramref name="name"/>, which the catalogue has just recorded, and reports it when suspicious.</summary>
    /// <param name="directory">The backup directory.</param>
    /// <param name="catalogue">The catalogue that recorded it.</param>
    /// <param name="options">The thresholds and the retention window before a suspicious archive.</param>
    /// <param name="journal">Where a suspicious archive is reported (an incident).</param>
    /// <param name="time">The clock.</param>
    /// <param name="name">The new archive's file name.</param>
    /// <param name="cancellationToken">Stops it.</param>
    public static async Task<ArchiveAnomaly> ScreenAsync(string directory, BackupCatalogue catalogue, BackupOptions options, IRecoveryJournal journal,
        TimeProvider time, string name, CancellationToken cancellationToken)
    {
        var entries = await catalogue.SyncAsync(cancellationToken);
        var anomalies = new BackupAnomalies(catalogue.StatePath);
        var assessed = anomalies.ReadAll();
        var archive = entries.Single(entry => entry.Name == name);
        // Suspicious archives never become the norm: the second archive ransomware touched is compared with the clean ones too.
        var baseline = entries
            .Where(entry => string.CompareOrdinal(entry.Name, name) < 0 && entry.Manifest.FormatVersion > 0 && entry.Verified != false
                && !(assessed.TryGetValue(entry.Name, out var earlier) && earlier.Suspicious))
            .ToList();
        var hashes = entries.ToDictionary(entry => entry.Name, entry => entry.Sha256, StringComparer.Ordinal);
        var chain = BackupChain.LinkProblem(directory, archive.Manifest, previous => hashes[previous]);
        var anomaly = AnomalyScore.Assess(archive, baseline, chain, options.Anomaly);
        anomalies.Record(name, time.GetUtcNow(), anomaly);
        if (anomaly.Suspicious)
        {
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Detected,
                string.Create(CultureInfo.InvariantCulture, $"archive {name} is suspicious (score {anomaly.Score:0.0}): {string.Join("; ", anomaly.Reasons)}"),
                string.Create(CultureInfo.InvariantCulture, $"compared it with the {anomaly.ComparedWith} clean archives before it"),
                string.Create(CultureInfo.InvariantCulture, $"backup prune keeps every archive of the {options.KeepDaysBeforeSuspicious} days before it; restore from a clean one"),
                FailureType.SecurityBreach), cancellationToken);
        }

        return anomaly;
    }
}

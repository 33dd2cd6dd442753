using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;

namespace O4O.Recovery.Backups;

/// <summary>One archive's fate in a prune.</summary>
/// <param name="Name">The archive's file name.</param>
/// <param name="Keep">True when it stays.</param>
/// <param name="Reasons">Why it stays (daily, weekly, monthly, newest verified); empty when deleted.</param>
public sealed record PruneDecision(string Name, bool Keep, IReadOnlyList<string> Reasons);

/// <summary>
/// <c>o4o backup prune</c>: keeps the newest archive of each of the last N days, weeks and months (from
/// <see cref="BackupOptions"/>), never counting one that failed verification, and always the newest verified one, the
/// newest clean one (not suspicious, see <see cref="ArchiveScreening"/>) and every archive of the
/// <see cref="BackupOptions.KeepDaysBeforeSuspicious"/> days before a suspicious one, the copies to restore from after
/// ransomware; deletes the rest unless it is a dry run.
/// </summary>
/// <param name="backupDirectory">Where archives live.</param>
/// <param name="options">The retention counts.</param>
/// <param name="catalogue">Verification results, and where deletions are forgotten.</param>
public sealed class BackupPruner(string backupDirectory, BackupOptions options, BackupCatalogue catalogue)
{
    /// <summary>Decides, and unless <paramref name="dryRun"/>, deletes; returns every archive's decision, newest first.</summary>
    /// <exception cref="LockHeldException">A backup is being written.</exception>
    public async Task<IReadOnlyList<PruneDecision>> PruneAsync(bool dryRun, CancellationToken cancellationToken)
    {
        BackupDirectory.EnsureExists(backupDirectory);

        using var writerLock = BackupDirectory.LockForWriting(backupDirectory);
        var entries = (await catalogue.SyncAsync(cancellationToken)).OrderByDescending(entry => entry.Name, StringComparer.Ordinal).ToList();
        var reasons = entries.ToDictionary(entry => entry.Name, _ => new List<string>());
        KeepNewestPer(entries, reasons, options.KeepDaily, "daily", time => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        KeepNewestPer(entries, reasons, options.KeepWeekly, "weekly", time => $"{ISOWeek.GetYear(time.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(time.UtcDateTime)}");
        KeepNewestPer(entries, reasons, options.KeepMonthly, "monthly", time => time.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        if (entries.FirstOrDefault(entry => entry.Verified == true) is { } newestVerified)
        {
            reasons[newestVerified.Name].Add("newest verified");
        }

        KeepClean(entries, reasons, new BackupAnomalies(catalogue.StatePath).ReadAll());

        var decisions = entries.Select(entry => new PruneDecision(entry.Name, reasons[entry.Name].Count > 0, reasons[entry.Name])).ToList();
        if (!dryRun)
        {
            foreach (var decision in decisions.Where(decision => !decision.Keep))
            {
                BackupChain.RecordPruned(backupDirectory, decision.Name);
                File.Delete(Path.Combine(backupDirectory, decision.Name));
            }

            await catalogue.SyncAsync(cancellationToken);
        }

        return decisions;
    }

    private void KeepClean(List<CatalogueEntry> newestFirst, Dictionary<string, List<string>> reasons, IReadOnlyDictionary<string, ArchiveAnomaly> anomalies)
    {
        bool Suspicious(string name) => anomalies.TryGetValue(name, out var anomaly) && anomaly.Suspicious;
        if (newestFirst.FirstOrDefault(entry => entry.Verified != false && entry.Manifest.FormatVersion > 0 && !Suspicious(entry.Name)) is { } newestClean)
        {
            reasons[newestClean.Name].Add("newest clean");
        }

        // Assessments outlive the archives they judged: the days before a suspicious archive stay kept after it is pruned.
        var window = TimeSpan.FromDays(options.KeepDaysBeforeSuspicious);
        foreach (var suspicious in anomalies.Keys.Where(Suspicious).Order(StringComparer.Ordinal))
        {
            if (!ArchiveName.TryParseTime(suspicious, out var at))
            {
                continue;
            }

            foreach (var entry in newestFirst.Where(entry => entry.Manifest.CreatedAt < at && entry.Manifest.CreatedAt >= at - window))
            {
                reasons[entry.Name].Add($"before suspicious {suspicious}");
            }
        }
    }

    private static void KeepNewestPer(List<CatalogueEntry> newestFirst, Dictionary<string, List<string>> reasons, int count, string reason, Func<DateTimeOffset, string> period)
    {
        // An archive that failed verification restores nothing: it never stands in for a period's copy.
        var usable = newestFirst.Where(entry => entry.Verified != false);
        foreach (var newestOfPeriod in usable.GroupBy(entry => period(entry.Manifest.CreatedAt.ToUniversalTime())).Take(count).Select(group => group.First()))
        {
            reasons[newestOfPeriod.Name].Add(reason);
        }
    }
}

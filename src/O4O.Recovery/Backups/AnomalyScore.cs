using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;

namespace O4O.Recovery.Backups;

/// <summary>
/// Scores a new archive against the clean archives before it, as ransomware would show in a backup: the size far from
/// the usual, a dump that no longer compresses (encrypted rows), platform files whose entropy jumped (encrypted files),
/// rows gone, the hash chain broken, many platform files changed at once. Weights and thresholds: <see cref="BackupAnomalyOptions"/>.
/// </summary>
internal static class AnomalyScore
{
    private const int RowLossMinimum = 10;
    private const int ChangedFilesMinimum = 3;

    /// <summary>Assesses <paramref name="archive"/>.</summary>
    /// <param name="archive">The new archive.</param>
    /// <param name="baseline">Earlier clean archives, oldest first (the last <see cref="BackupAnomalyOptions.Baseline"/> are used).</param>
    /// <param name="chainProblem">Why its hash chain link is broken, or null.</param>
    /// <param name="options">The thresholds.</param>
    public static ArchiveAnomaly Assess(CatalogueEntry archive, IReadOnlyList<CatalogueEntry> baseline, string? chainProblem, BackupAnomalyOptions options)
    {
        var compared = baseline.TakeLast(options.Baseline).ToList();
        var signals = new List<(double Weight, string Reason)>();
        if (chainProblem is not null)
        {
            signals.Add((1, chainProblem));
        }

        if (compared.Count > 0)
        {
            var last = compared[^1].Manifest;
            signals.AddRange(Size(archive, compared, options));
            signals.AddRange(Compression(archive.Manifest, compared, options));
            signals.AddRange(Entropy(archive.Manifest, last, options));
            signals.AddRange(Rows(archive.Manifest, last, options));
            signals.AddRange(ChangedFiles(archive.Manifest, last, options));
        }

        var score = signals.Sum(signal => signal.Weight);
        return new ArchiveAnomaly(score, score >= options.SuspiciousScore, [.. signals.Select(signal => signal.Reason)], compared.Count);
    }

    private static IEnumerable<(double, string)> Size(CatalogueEntry archive, List<CatalogueEntry> compared, BackupAnomalyOptions options)
    {
        var usual = Median(compared.Select(entry => (double)entry.Size));
        if (archive.Size < usual / options.SizeFactor || archive.Size > usual * options.SizeFactor)
        {
            yield return (0.5, Text($"size {archive.Size:N0} bytes against a median of {usual:N0} over the last {compared.Count} clean archives"));
        }
    }

    private static IEnumerable<(double, string)> Compression(BackupManifest manifest, List<CatalogueEntry> compared, BackupAnomalyOptions options)
    {
        var usual = compared.Select(entry => Ratio(entry.Manifest)).OfType<double>().ToList();
        if (Ratio(manifest) is { } ratio && usual.Count > 0 && ratio < Median(usual) * options.CompressionDrop)
        {
            yield return (1, Text($"the dump compresses {ratio:0.0}:1 against a usual {Median(usual):0.0}:1 (encrypted content does not compress)"));
        }
    }

    private static IEnumerable<(double, string)> Entropy(BackupManifest manifest, BackupManifest last, BackupAnomalyOptions options)
    {
        var before = PlatformFiles(last).Where(member => member.Entropy is not null).ToDictionary(member => member.Path, member => member.Entropy!.Value);
        var jumped = PlatformFiles(manifest)
            .Where(member => member.Entropy is { } now && now >= options.EntropyHigh
                && before.TryGetValue(member.Path, out var was) && now - was >= options.EntropyJump)
            .Select(member => $"{member.Path} {before[member.Path]:0.00}→{member.Entropy:0.00}")
            .ToList();
        if (jumped.Count > 0)
        {
            yield return (1, Text($"{jumped.Count} platform files' entropy jumped (bits per byte): {Few(jumped)}"));
        }
    }

    private static IEnumerable<(double, string)> Rows(BackupManifest manifest, BackupManifest last, BackupAnomalyOptions options)
    {
        var lost = last.RowCounts
            .Where(table => table.Value >= RowLossMinimum
                && (table.Value - manifest.RowCounts.GetValueOrDefault(table.Key)) >= table.Value * options.RowLoss)
            .Select(table => $"{table.Key} {table.Value:N0}→{manifest.RowCounts.GetValueOrDefault(table.Key):N0}")
            .ToList();
        if (lost.Count > 0)
        {
            yield return (1, Text($"rows dropped since the last clean archive: {Few(lost)}"));
        }
    }

    private static IEnumerable<(double, string)> ChangedFiles(BackupManifest manifest, BackupManifest last, BackupAnomalyOptions options)
    {
        var now = PlatformFiles(manifest).ToDictionary(member => member.Path, member => member.Sha256);
        var before = PlatformFiles(last).ToList();
        var changed = before.Count(member => !now.TryGetValue(member.Path, out var sha) || sha != member.Sha256);
        if (before.Count >= ChangedFilesMinimum && changed >= before.Count * options.ChangedFiles)
        {
            yield return (0.5, Text($"{changed} of {before.Count} platform files changed or gone since the last clean archive"));
        }
    }

    /// <summary>The dump's compression ratio; null for an archive made before the uncompressed length was recorded.</summary>
    private static double? Ratio(BackupManifest manifest) =>
        manifest.DatabaseParts is { Count: > 0 } parts && parts.All(part => part.UncompressedLength is not null) && parts.Sum(part => part.Length) > 0
            ? (double)parts.Sum(part => part.UncompressedLength!.Value) / parts.Sum(part => part.Length)
            : null;

    private static IEnumerable<ManifestMember> PlatformFiles(BackupManifest manifest) =>
        manifest.Members.Where(member => member.Path.StartsWith(ArchiveName.FilesPrefix, StringComparison.Ordinal));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Few(List<string> items) =>
        items.Count <= 5 ? string.Join(", ", items) : $"{string.Join(", ", items.Take(5))} and {items.Count - 5} more";

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

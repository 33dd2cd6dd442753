using System.Globalization;

namespace O4O.Recovery.PointInTime;

/// <summary>A transaction's commit record: when it committed, the files it dropped and the subtransactions it committed with it.</summary>
/// <param name="Xid">The top-level transaction id: what <c>recovery_target_xid</c> takes.</param>
/// <param name="Lsn">Where the commit record starts: replay stops before it to leave the transaction out.</param>
/// <param name="CommittedAt">The commit time as the record holds it.</param>
/// <param name="DroppedFiles">The files removed at commit (<c>rels:</c>): dropped tables, and the old files of truncated or rewritten ones.</param>
/// <param name="Subtransactions">Subtransactions (savepoints) committed with it, whose records carry their own ids.</param>
internal sealed record WalCommit(uint Xid, Lsn Lsn, DateTimeOffset CommittedAt, IReadOnlyList<RelationFile> DroppedFiles, IReadOnlyList<uint> Subtransactions)
{
    private const string Commit = "COMMIT ";

    /// <summary>
    /// Reads a Transaction record such as <c>COMMIT 2026-12-06 09:12:07.820216 UTC; rels: base/5/16385; subxacts: 732; inval msgs: …</c>;
    /// null for anything else (aborts, assignments, two-phase records, which the platform does not use).
    /// </summary>
    public static WalCommit? TryParse(WalRecord record)
    {
        if (record.ResourceManager != "Transaction" || !record.Description.StartsWith(Commit, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = record.Description.Split("; ");
        if (!DateTimeOffset.TryParseExact(parts[0][Commit.Length..].Trim(), "yyyy-MM-dd HH:mm:ss.ffffff 'UTC'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var committedAt))
        {
            return null;
        }

        var dropped = Items(parts, "rels: ").Select(path => (Ok: RelationFile.TryParsePath(path, out var file), file))
            .Where(item => item.Ok).Select(item => item.file).ToList();
        var subtransactions = Items(parts, "subxacts: ").Select(xid => uint.Parse(xid, CultureInfo.InvariantCulture)).ToList();
        return new WalCommit(record.Xid, record.Lsn, committedAt, dropped, subtransactions);
    }

    private static IEnumerable<string> Items(string[] parts, string label) =>
        parts.Where(part => part.StartsWith(label, StringComparison.Ordinal))
            .SelectMany(part => part[label.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
}

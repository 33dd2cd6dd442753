using System.Globalization;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Finds a committed transaction that deleted most of a table's rows: a <c>DELETE</c> without <c>WHERE</c> writes one
/// heap DELETE record per row, all under its transaction id (or its savepoints').
/// </summary>
/// <remarks>
/// The rule: the transaction deleted at least <see cref="DataLossProbe.SmallTable"/> rows, and more than half of the
/// rows the table can have held when it did: its rows at the start plus every row inserted since (aborted inserts
/// included). That bound is never below the truth, so an order cancelled, a cart emptied, or a batch of a few rows
/// deleted from a table of many never counts as damage; a <c>DELETE</c> without <c>WHERE</c> removes every row its
/// snapshot saw, far more than half. "All the rows" would be too strict: the start's count is a backup's, and rows
/// inserted by transactions that had not committed when the DELETE began survive it.
/// </remarks>
internal static class MassDeletes
{
    private const string FirstBlock = "blkref #0: rel ";

    /// <summary>
    /// The earliest committed transaction in <paramref name="range"/> that deleted most of the rows of one of
    /// <paramref name="tables"/> (those with a known <see cref="PlatformTable.RowsAtStart"/>); the first of the tables it
    /// emptied when it emptied several; null when none did.
    /// </summary>
    /// <remarks>
    /// One pg_waldump pass for all the tables, each record told to its table by the block it changes: one pass per table
    /// read the whole range once for each of a thousand tables.
    /// </remarks>
    /// <exception cref="WalDumpException">pg_waldump failed.</exception>
    public static async Task<DamagingTransaction?> FirstAsync(PostgresBinaries binaries, WalRange range, IReadOnlyList<PlatformTable> tables,
        WalTransactions transactions, CancellationToken cancellationToken)
    {
        var counted = tables.Where(table => table.RowsAtStart is not null).ToList();
        var byFile = new Dictionary<RelationFile, int>();
        for (var index = 0; index < counted.Count; index++)
        {
            byFile.TryAdd(counted[index].File, index);
        }

        if (byFile.Count == 0 || range.End <= range.Start)
        {
            return null;
        }

        var inserted = new long[counted.Count];
        var deletes = new Dictionary<(int Table, WalCommit Commit), (long Deleted, long HeldAtMost)>();
        await WalDump.ReadAsync(binaries, range, ["--rmgr=Heap", "--rmgr=Heap2"], record =>
        {
            if (!TryFirstBlockFile(record.Description, out var file) || !byFile.TryGetValue(file, out var table))
            {
                return;
            }

            var words = record.Description.Split(' ', 3);
            switch (words[0])
            {
                case "INSERT" or "INSERT+INIT":
                    inserted[table]++;
                    break;
                case "MULTI_INSERT" or "MULTI_INSERT+INIT" when words.Length > 1 && long.TryParse(words[1], CultureInfo.InvariantCulture, out var tuples):
                    inserted[table] += tuples;
                    break;
                case "DELETE" when transactions.CommitOf(record.Xid) is { } commit:
                    deletes[(table, commit)] = (deletes.GetValueOrDefault((table, commit)).Deleted + 1, counted[table].RowsAtStart!.Value + inserted[table]);
                    break;
            }
        }, cancellationToken);

        return deletes
            .Where(pair => pair.Value.Deleted >= DataLossProbe.SmallTable && pair.Value.Deleted * 2 > pair.Value.HeldAtMost)
            .OrderBy(pair => pair.Key.Commit.Lsn).ThenBy(pair => pair.Key.Table)
            .Select(pair => new DamagingTransaction(pair.Key.Commit.Xid, pair.Key.Commit.Lsn, pair.Key.Commit.CommittedAt, DamageKind.Deleted,
                counted[pair.Key.Table], pair.Value.Deleted))
            .FirstOrDefault();
    }

    // The heap file a record changes: its first block reference, in the main fork (other forks print "fork NAME" first).
    private static bool TryFirstBlockFile(string description, out RelationFile file)
    {
        file = default;
        var start = description.IndexOf(FirstBlock, StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var rest = description.AsSpan(start + FirstBlock.Length);
        var end = rest.IndexOf(' ');
        return end > 0 && rest[end..].StartsWith(" blk ", StringComparison.Ordinal) && RelationFile.TryParse(rest[..end].ToString(), out file);
    }
}

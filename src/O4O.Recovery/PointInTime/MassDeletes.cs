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
    /// <summary>The earliest committed transaction in <paramref name="range"/> that deleted most of <paramref name="table"/>'s rows; null when none did.</summary>
    /// <exception cref="WalDumpException">pg_waldump failed.</exception>
    public static async Task<DamagingTransaction?> FirstAsync(PostgresBinaries binaries, WalRange range, PlatformTable table, long rowsAtStart,
        WalTransactions transactions, CancellationToken cancellationToken)
    {
        long inserted = 0;
        var deletes = new Dictionary<WalCommit, (long Deleted, long HeldAtMost)>();
        await WalDump.ReadAsync(binaries, range, ["--rmgr=Heap", "--rmgr=Heap2", $"--relation={table.File}"], record =>
        {
            var words = record.Description.Split(' ', 3);
            switch (words[0])
            {
                case "INSERT" or "INSERT+INIT":
                    inserted++;
                    break;
                case "MULTI_INSERT" or "MULTI_INSERT+INIT" when words.Length > 1 && long.TryParse(words[1], CultureInfo.InvariantCulture, out var tuples):
                    inserted += tuples;
                    break;
                case "DELETE" when transactions.CommitOf(record.Xid) is { } commit:
                    deletes[commit] = (deletes.GetValueOrDefault(commit).Deleted + 1, rowsAtStart + inserted);
                    break;
            }
        }, cancellationToken);

        return deletes
            .Where(pair => pair.Value.Deleted >= DataLossProbe.SmallTable && pair.Value.Deleted * 2 > pair.Value.HeldAtMost)
            .Select(pair => new DamagingTransaction(pair.Key.Xid, pair.Key.Lsn, pair.Key.CommittedAt, DamageKind.Deleted, table, pair.Value.Deleted))
            .MinBy(damage => damage.CommitLsn);
    }
}

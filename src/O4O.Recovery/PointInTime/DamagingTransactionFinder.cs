using O4O.Recovery.Postgres;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Finds, in WAL segment files, the transaction that damaged a platform table: a <c>DROP TABLE</c>, a
/// <c>TRUNCATE</c>, or a <c>DELETE</c> of most of its rows. Point-in-time recovery then stops just before it.
/// </summary>
/// <param name="binaries">The server programs; pg_waldump is beside them.</param>
internal sealed class DamagingTransactionFinder(PostgresBinaries binaries)
{
    /// <summary>
    /// The earliest transaction in <paramref name="range"/> (by commit position) that damaged one of
    /// <paramref name="tables"/>; null when none did. One pass reads the commit, storage and page-image records; a
    /// pass per table with a known row count reads that table's heap records, up to the earliest drop or truncation.
    /// </summary>
    /// <exception cref="WalDumpException">pg_waldump failed other than by reaching the end of the WAL.</exception>
    public async Task<DamagingTransaction?> FindAsync(WalRange range, IReadOnlyList<PlatformTable> tables, CancellationToken cancellationToken)
    {
        var transactions = new WalTransactions();
        await WalDump.ReadAsync(binaries, range, ["--rmgr=Transaction", "--rmgr=Storage", "--rmgr=XLOG"], transactions.Add, cancellationToken);
        var damage = transactions.Commits.Select(commit => Emptied(commit, tables, transactions)).OfType<DamagingTransaction>().FirstOrDefault();
        foreach (var table in tables)
        {
            // A DELETE's records precede its commit: one that commits after the damage found so far cannot come first.
            var before = damage is null ? range : range with { End = damage.CommitLsn };
            if (table.RowsAtStart is not { } rows || before.End <= before.Start)
            {
                continue;
            }

            if (await MassDeletes.FirstAsync(binaries, before, table, rows, transactions, cancellationToken) is { } deleted
                && (damage is null || deleted.CommitLsn < damage.CommitLsn))
            {
                damage = deleted;
            }
        }

        return damage;
    }

    // A table's file removed at commit: DROP TABLE removes it; TRUNCATE also makes the table new, empty files; a
    // rewrite (VACUUM FULL, CLUSTER) makes new files holding the rows, which is no damage.
    private static DamagingTransaction? Emptied(WalCommit commit, IReadOnlyList<PlatformTable> tables, WalTransactions transactions) =>
        tables.FirstOrDefault(table => commit.DroppedFiles.Contains(table.File)) is not { } damaged || transactions.Rewrote(commit)
            ? null
            : new DamagingTransaction(commit.Xid, commit.Lsn, commit.CommittedAt,
                transactions.CreatedFiles(commit, damaged.File.Database) ? DamageKind.Truncated : DamageKind.Dropped, damaged);
}

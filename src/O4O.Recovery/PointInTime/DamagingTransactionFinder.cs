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
    /// second reads the heap records of the tables with a known row count, up to the earliest drop or truncation.
    /// </summary>
    /// <param name="range">The WAL from the start position (that of the catalogue <paramref name="tables"/> were read from),
    /// e.g. <see cref="WalRange.Of"/> over segments fetched with <c>pgbackrest archive-get</c>.</param>
    /// <param name="tables">The tables the damage was seen on, with their files (see <see cref="PlatformTable.File"/>;
    /// <see cref="PlatformTableFiles.ReadAsync"/> reads them) and row counts (a backup's). A table whose rows are legitimately
    /// deleted in bulk should not be given with a row count: such a delete would count as damage.</param>
    /// <param name="cancellationToken">Stops the search and pg_waldump.</param>
    /// <exception cref="WalDumpException">pg_waldump failed other than by reaching the end of the WAL.</exception>
    public async Task<DamagingTransaction?> FindAsync(WalRange range, IReadOnlyList<PlatformTable> tables, CancellationToken cancellationToken)
    {
        var transactions = new WalTransactions();
        await WalDump.ReadAsync(binaries, range, ["--rmgr=Transaction", "--rmgr=Storage", "--rmgr=XLOG"], transactions.Add, cancellationToken);
        var damage = transactions.Commits.Select(commit => Emptied(commit, tables, transactions)).OfType<DamagingTransaction>().FirstOrDefault();
        // A DELETE's records precede its commit: one that commits after the damage found so far cannot come first.
        var before = damage is null ? range : range with { End = damage.CommitLsn };
        if (await MassDeletes.FirstAsync(binaries, before, tables, transactions, cancellationToken) is { } deleted
            && (damage is null || deleted.CommitLsn < damage.CommitLsn))
        {
            damage = deleted;
        }

        return damage;
    }

    // A table's file removed at commit: DROP TABLE removes it; TRUNCATE also makes the table new, empty files; a
    // rewrite (VACUUM FULL, CLUSTER) makes new files holding the rows, which is no damage. A TRUNCATE is also known by
    // the new file it made, for tables read from the live catalogue after it.
    private static DamagingTransaction? Emptied(WalCommit commit, IReadOnlyList<PlatformTable> tables, WalTransactions transactions)
    {
        if (commit.DroppedFiles.Count == 0 || transactions.Rewrote(commit))
        {
            return null;
        }

        if (tables.FirstOrDefault(table => commit.DroppedFiles.Contains(table.File)) is { } damaged)
        {
            var kind = transactions.CreatedFiles(commit, damaged.File.Database) ? DamageKind.Truncated : DamageKind.Dropped;
            return new DamagingTransaction(commit.Xid, commit.Lsn, commit.CommittedAt, kind, damaged);
        }

        return tables.FirstOrDefault(table => transactions.Created(commit, table.File)) is { } emptied
            ? new DamagingTransaction(commit.Xid, commit.Lsn, commit.CommittedAt, DamageKind.Truncated, emptied)
            : null;
    }
}

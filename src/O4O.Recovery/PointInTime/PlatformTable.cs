using System.Globalization;

namespace O4O.Recovery.PointInTime;

/// <summary>A platform table as the WAL knows it: its data file, with the name and row count people know it by.</summary>
/// <param name="Name">The table's name (<c>orders</c>), for what is reported.</param>
/// <param name="File">Its data file (<c>pg_class.reltablespace</c> or the database's default tablespace, the database oid,
/// <c>pg_class.relfilenode</c>) at the search's start position, from a side instance paused there: then a drop, a
/// truncation and a delete are all found. The live catalogue's file after the damage also finds a truncation (by the
/// new file it made) and a delete, but not a drop (the table is gone from it).</param>
/// <param name="RowsAtStart">
/// The rows it held at the start position, or shortly after (a backup's row count); null when unknown, and then a
/// <c>DELETE</c> of its rows is not looked for (only a drop or a truncation can be told from ordinary use without it).
/// </param>
internal sealed record PlatformTable(string Name, RelationFile File, long? RowsAtStart = null);

/// <summary>How a transaction damaged a table.</summary>
internal enum DamageKind
{
    /// <summary><c>DROP TABLE</c>.</summary>
    Dropped,

    /// <summary><c>TRUNCATE</c>.</summary>
    Truncated,

    /// <summary>A <c>DELETE</c> of most of its rows (one without <c>WHERE</c>, or as bad).</summary>
    Deleted,
}

/// <summary>The transaction that damaged a platform table: recovering with <c>recovery_target_xid = Xid</c> and
/// <c>recovery_target_inclusive = false</c> keeps every commit before it.</summary>
/// <param name="Xid">The top-level transaction id.</param>
/// <param name="CommitLsn">Where its commit record starts.</param>
/// <param name="CommittedAt">When it committed.</param>
/// <param name="Kind">Dropped, truncated or deleted.</param>
/// <param name="Table">The table it damaged (the first of the given tables, when it damaged several).</param>
/// <param name="DeletedRows">For <see cref="DamageKind.Deleted"/>, how many rows it deleted; otherwise 0.</param>
internal sealed record DamagingTransaction(uint Xid, Lsn CommitLsn, DateTimeOffset CommittedAt, DamageKind Kind, PlatformTable Table, long DeletedRows = 0)
{
    /// <summary>One line for the incident timeline: <c>transaction 738 dropped orders (commit 0/7008310 at 2026-12-06 02:59:13Z)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"transaction {Xid} {What} (commit {CommitLsn} at {CommittedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}Z)");

    private string What => Kind switch
    {
        DamageKind.Dropped => $"dropped {Table.Name}",
        DamageKind.Truncated => $"truncated {Table.Name}",
        _ => string.Create(CultureInfo.InvariantCulture, $"deleted {DeletedRows} rows from {Table.Name}"),
    };
}

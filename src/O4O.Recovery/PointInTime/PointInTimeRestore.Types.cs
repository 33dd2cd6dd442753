using O4O.Recovery.Restore;

namespace O4O.Recovery.PointInTime;

/// <summary>What a point-in-time restore replaces.</summary>
public enum PointInTimeMode
{
    /// <summary>The platform database only, through the verified side-database swap; the server and other databases are untouched.</summary>
    DatabaseOnly,

    /// <summary>The whole cluster: the old data directory is kept aside and the restored one started in its place.</summary>
    FullCluster,
}

/// <summary>The steps of a point-in-time restore, in order, as progress reports them.</summary>
public enum PointInTimeStep
{
    /// <summary>pgBackRest restores the backup set into the side directory.</summary>
    Restore,

    /// <summary>The side instance replays archived WAL towards the target.</summary>
    Replay,

    /// <summary>Replay stopped at the target (detail: the server's line).</summary>
    Confirmed,

    /// <summary>The platform database is copied from the side instance into the live cluster.</summary>
    Copy,

    /// <summary>The copy's rows are counted against the side instance.</summary>
    Verify,

    /// <summary>The copy is swapped in.</summary>
    Swap,

    /// <summary>The live cluster is stopped and its data directory replaced (detail: where the old one is kept).</summary>
    Replace,

    /// <summary>The conductor starts the replaced cluster, which replays to the target again and promotes.</summary>
    Start,

    /// <summary>The cluster left recovery on a new timeline (detail: which); pgBackRest checks it archives.</summary>
    Check,
}

/// <summary>One step beginning, with what it works on.</summary>
/// <param name="Step">The step.</param>
/// <param name="Detail">What it works on (the backup set, the target, the server's line, the database).</param>
public sealed record PointInTimeProgress(PointInTimeStep Step, string Detail);

/// <summary>What the restore found on the side instance and would change, shown before anything goes live.</summary>
/// <param name="Target">The target.</param>
/// <param name="BackupSet">The pgBackRest backup set it started from.</param>
/// <param name="Wal">The archived WAL it could replay (<c>first … newest</c> segment).</param>
/// <param name="Stop">Where replay stopped.</param>
/// <param name="RestoredRows">Rows per table in the restored platform database.</param>
/// <param name="Changes">The live database against the restored one (live minus restored, per table).</param>
/// <param name="LiveDatabase">The database that would be replaced (for the whole cluster, its data directory).</param>
/// <param name="Kept">The name the replaced database (or data directory) would be kept under.</param>
public sealed record PointInTimePlan(string Target, string BackupSet, string Wal, ReplayStop Stop, IReadOnlyDictionary<string, long> RestoredRows,
    LiveComparison Changes, string LiveDatabase, string Kept);

/// <summary>How a point-in-time restore ended.</summary>
/// <param name="Plan">What was found and (would have been) done.</param>
/// <param name="Swapped">True when the restored data is live; false for a dry run or when the operator declined.</param>
public sealed record PointInTimeOutcome(PointInTimePlan Plan, bool Swapped)
{
    /// <summary>The timeline a full-cluster restore's cluster runs on; null for the platform database only.</summary>
    public int? Timeline { get; init; }
}

using System.Globalization;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// The moment a point-in-time restore returns to: a time (every transaction committed up to it), a WAL position, or just
/// before one transaction (it and everything after it left out). It chooses the backup set to start from and refuses a
/// target the repository cannot reach, before anything is restored.
/// </summary>
public sealed class RecoveryTarget
{
    private RecoveryTarget(string type, string target, string description, DateTimeOffset? time, Lsn? position, bool exclusive)
    {
        (Type, Target, Description, Time, Position, Exclusive) = (type, target, description, time, position, exclusive);
    }

    /// <summary>pgBackRest's recovery type: <c>time</c>, <c>lsn</c> or <c>xid</c>.</summary>
    public string Type { get; }

    /// <summary>The value pgBackRest's <c>--target</c> takes.</summary>
    public string Target { get; }

    /// <summary>The target as the operator reads it (<c>time 2026-12-06 14:03:00Z</c>, <c>before transaction 738</c>).</summary>
    public string Description { get; }

    /// <summary>The time to stop at, or (before a transaction) its commit time; null for a WAL position.</summary>
    public DateTimeOffset? Time { get; }

    /// <summary>The WAL position to stop at, or (before a transaction) its commit record's; null for a time.</summary>
    internal Lsn? Position { get; }

    /// <summary>True when the target itself is left out (a transaction's commit).</summary>
    public bool Exclusive { get; }

    /// <summary>
    /// Every transaction committed up to and at <paramref name="time"/>; with <paramref name="exclusive"/>, only those
    /// committed before it (just before a failure's first evidence).
    /// </summary>
    public static RecoveryTarget ToTime(DateTimeOffset time, bool exclusive = false)
    {
        var utc = time.ToUniversalTime();
        var text = $"{utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture)}Z";
        return new RecoveryTarget("time", utc.ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
            exclusive ? $"just before {text}" : $"time {text}", utc, null, exclusive);
    }

    /// <summary>Everything written up to the WAL position <paramref name="lsn"/> (<c>0/7008310</c>).</summary>
    /// <exception cref="FormatException"><paramref name="lsn"/> is not a WAL position.</exception>
    public static RecoveryTarget ToLsn(string lsn) => ToLsn(Lsn.Parse(lsn));

    internal static RecoveryTarget ToLsn(Lsn lsn) => new("lsn", lsn.ToString(), $"WAL position {lsn}", null, lsn, false);

    /// <summary>
    /// Just before transaction <paramref name="xid"/>, whose commit record is at <paramref name="commitLsn"/> at
    /// <paramref name="committedAt"/> (as <see cref="DamagingTransactionFinder"/> found it): they choose the backup set.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="commitLsn"/> is not a WAL position.</exception>
    public static RecoveryTarget BeforeTransaction(uint xid, string commitLsn, DateTimeOffset committedAt) =>
        BeforeTransaction(xid, Lsn.Parse(commitLsn), committedAt);

    internal static RecoveryTarget BeforeTransaction(DamagingTransaction damage) => BeforeTransaction(damage.Xid, damage.CommitLsn, damage.CommittedAt);

    internal static RecoveryTarget BeforeTransaction(uint xid, Lsn commitLsn, DateTimeOffset committedAt) =>
        new("xid", xid.ToString(CultureInfo.InvariantCulture), $"just before transaction {xid} (commit {commitLsn})", committedAt.ToUniversalTime(), commitLsn, true);

    /// <summary>pgBackRest's restore options for this target, paused at the target so it can be checked before anything goes live.</summary>
    internal IReadOnlyList<string> RestoreOptions =>
        [$"--type={Type}", $"--target={Target}", "--target-action=pause", .. Exclusive ? new[] { "--target-exclusive" } : []];

    /// <summary>
    /// The newest backup set that stopped before the target: pgBackRest's own choice refuses a time in the same second
    /// as a set's stop, so the set is always named. A target the repository cannot reach is refused here.
    /// </summary>
    /// <exception cref="RecoveryTargetException">No set stopped before the target, or the target is in the future or past the archived WAL.</exception>
    internal PhysicalBackupSet ChooseSet(RepositoryInfo repository, DateTimeOffset now)
    {
        if (Time is { } time && time > now)
        {
            throw new RecoveryTargetException($"The target {Description} is in the future (it is {now.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z now).");
        }

        if (Position is { } position && repository.NewestWal is { } newest && WalSegment.TryParse(newest, out _, out var start)
            && position.Value >= start.Value + WalSegment.Size)
        {
            throw new RecoveryTargetException($"The target {Description} is past the newest archived WAL ({newest}): nothing after it can be replayed.");
        }

        var candidates = repository.Backups.Where(StoppedBefore).ToList();
        if (candidates.Count == 0)
        {
            throw new RecoveryTargetException(repository.Backups.Count == 0
                ? $"There is no physical backup to restore {Description} from: take one with pgbackrest first."
                : $"The target {Description} is before the oldest physical backup, which stopped at {repository.Backups[0].Stopped.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z ({repository.Backups[0].StopLsn}): it cannot be reached.");
        }

        return candidates.MaxBy(set => Lsn.Parse(set.StopLsn))!;
    }

    // A set is consistent only once replay passes its stop position: the target must lie after it.
    private bool StoppedBefore(PhysicalBackupSet set) => Position is { } position
        ? Lsn.Parse(set.StopLsn) < position
        : set.Stopped <= Time!.Value;
}

/// <summary>The target cannot be reached (before the oldest backup, in the future, past the archive, or replay ran out); nothing changed.</summary>
public sealed class RecoveryTargetException(string message) : Exception(message);

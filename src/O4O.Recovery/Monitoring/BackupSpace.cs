using System.Globalization;
using Npgsql;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Monitoring;

/// <summary>
/// The room the next archive needs where backups are written: the previous archive's size (archives of one shop grow
/// slowly), else, before the first, the database's size (a dump compresses, so this is on the safe side), plus a margin.
/// A backup that would not fit refuses to start rather than fill the disk the database may share.
/// </summary>
/// <param name="Directory">Where backups are written.</param>
/// <param name="Free">Bytes free there for this user.</param>
/// <param name="Estimate">The next archive's estimated size.</param>
/// <param name="EstimatedFrom">What the estimate is.</param>
/// <param name="Needed">The estimate with the margin: less free than this and the backup is refused.</param>
public sealed record BackupSpace(string Directory, long Free, long Estimate, SpaceEstimate EstimatedFrom, long Needed)
{
    /// <summary>True when the next backup fits.</summary>
    public bool Fits => Free >= Needed;

    /// <summary>Measures <paramref name="directory"/>; the database is asked for its size only when there is no previous archive.</summary>
    /// <param name="directory">The backup directory (it must exist).</param>
    /// <param name="margin">The share of the estimate needed on top of it (<c>Backup:SpaceMargin</c>).</param>
    /// <param name="databaseSize">Reads the platform database's size, for a first backup.</param>
    /// <param name="cancellationToken">Cancels the size query.</param>
    public static async Task<BackupSpace> MeasureAsync(string directory, double margin, Func<CancellationToken, Task<long>> databaseSize,
        CancellationToken cancellationToken)
    {
        var free = new DriveInfo(directory).AvailableFreeSpace;
        var (estimate, from) = ArchiveName.Newest(directory) is { } previous
            ? (new FileInfo(previous).Length, SpaceEstimate.PreviousArchive)
            : (await databaseSize(cancellationToken), SpaceEstimate.DatabaseSize);
        return new BackupSpace(directory, free, estimate, from, (long)Math.Ceiling(estimate * (1 + margin)));
    }

    /// <summary>The size of <paramref name="server"/>'s platform database.</summary>
    /// <exception cref="DatabaseUnavailableException">The server is unreachable or the database does not exist (the backup's own words).</exception>
    public static Func<CancellationToken, Task<long>> DatabaseSize(ResolvedDatabaseServer server) => async cancellationToken =>
    {
        await using var connection = await server.OpenAsync(server.DatabaseName, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    };

    /// <summary>One line for the record.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Free / 1048576.0:0.0} MB free in {Directory}, a backup needs {Needed / 1048576.0:0.0} MB ({(EstimatedFrom == SpaceEstimate.PreviousArchive ? "previous archive" : "database size")} {Estimate / 1048576.0:0.0} MB and the margin)");
}

/// <summary>What the next archive's size is estimated from.</summary>
public enum SpaceEstimate
{
    /// <summary>The newest archive's size.</summary>
    PreviousArchive,

    /// <summary>The platform database's size, before the first archive.</summary>
    DatabaseSize,
}

/// <summary>A backup refused before it started: the directory has less room than it would need.</summary>
/// <param name="space">What was measured.</param>
public sealed class BackupWouldNotFitException(BackupSpace space)
    : Exception($"Backup refused: it would not fit: {space}. Free space there, or set Backup:Directory elsewhere.")
{
    /// <summary>What was measured.</summary>
    public BackupSpace Space { get; } = space;
}

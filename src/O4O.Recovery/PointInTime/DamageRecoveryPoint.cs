using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;
using O4O.Recovery.State;

namespace O4O.Recovery.PointInTime;

/// <summary>Where a restore after damage goes back to, and why there.</summary>
/// <param name="Target">The recovery target.</param>
/// <param name="Why">For the timeline: the damaging transaction found, or why the first evidence stands in for it.</param>
public sealed record DamageTarget(RecoveryTarget Target, string Why)
{
    /// <summary>The damaging transaction; null when it was not found.</summary>
    internal DamagingTransaction? Damage { get; init; }
}

/// <summary>
/// Finds the transaction that damaged the platform's data (a <c>DROP TABLE</c>, <c>TRUNCATE</c> or <c>DELETE</c> of most
/// rows) in the archived WAL since the newest <see cref="TableFileMark"/> of the live database taken well before the first
/// evidence, so that a point-in-time restore stops just before it and keeps every commit before it. Marks of a database a
/// restore replaced are passed over (their files are not the live one's), and so are marks of another timeline than the
/// one the cluster writes (a full restore's abandoned one, whose WAL after the mark holds the damage it undid). A database
/// live for less than the margin is searched from its first mark, which every restore takes of what it puts live
/// (<see cref="TableFileMarking.MarkGoingLiveAsync"/>). Where the damage
/// cannot be found (no mark, damage that is no transaction, like a broken page), the target is the mark's time or just
/// before the first evidence, whichever is earlier, and the reason says so.
/// </summary>
public sealed class DamageRecoveryPoint(O4OHome home, ResolvedDatabaseServer server)
{
    /// <summary>
    /// How long before the first evidence the search starts at the latest: the probe that sees lost rows looks every few
    /// seconds, so a mark taken within this of the evidence may already show the damage (a dropped table missing from it).
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(15);

    private const string SearchPrefix = "wal-search-";

    /// <summary>
    /// True when a point-in-time restore can undo damage: the managed cluster archives through pgBackRest and the repository
    /// holds a backup set to start from.
    /// </summary>
    public static async Task<bool> IsAvailableAsync(O4OHome home, DatabaseOptions database, CancellationToken cancellationToken)
    {
        var pgBackRest = PgBackRest.For(home);
        if (!database.IsManaged || !pgBackRest.IsConfigured)
        {
            return false;
        }

        try
        {
            return (await pgBackRest.InfoAsync(cancellationToken)).Backups.Count > 0;
        }
        catch (Exception exception) when (exception is PgBackRestException or System.Text.Json.JsonException or IOException)
        {
            return false;
        }
    }

    /// <summary>The target for damage first seen at <paramref name="firstEvidence"/>.</summary>
    /// <exception cref="PgBackRestException">The repository could not be read.</exception>
    public async Task<DamageTarget> FindAsync(DateTimeOffset firstEvidence, CancellationToken cancellationToken)
    {
        var (live, timeline) = await LiveDatabaseAsync(cancellationToken);
        var marks = (await new TableFileMarks(home.StateDatabase).BeforeAsync(firstEvidence, cancellationToken))
            .Where(candidate => candidate.Database == live && candidate.Timeline == timeline)
            .ToList();
        if ((marks.FirstOrDefault(candidate => candidate.At < firstEvidence - Margin) ?? marks.LastOrDefault()) is not { } mark)
        {
            return Fallback(firstEvidence - Margin, "no note of the tables' data files from before the damage to search the WAL with");
        }

        // A mark within the margin may be from after the damage: what is not found there is not known to be after it.
        var fallback = mark.At < firstEvidence - Margin ? mark.At : firstEvidence - Margin;

        // The damage is in the segment being written: it must reach the archive before it can be searched.
        await ArchiveFlush.FlushAsync(server, cancellationToken);
        var pgBackRest = PgBackRest.For(home);
        RemoveLeftovers(pgBackRest.Layout);
        var search = Path.Combine(pgBackRest.Layout.Root, $"{SearchPrefix}{Environment.ProcessId}");
        IO.PrivateFiles.CreateDirectory(search);
        try
        {
            await ServiceUser.GiveAsync(search, cancellationToken);
            var fetched = await FetchAsync(pgBackRest, mark, search, cancellationToken);
            if (fetched == 0)
            {
                return Fallback(fallback, $"the archive holds no WAL from {mark.Lsn} on");
            }

            var range = WalRange.Of(search, mark.Timeline, mark.Lsn);
            return await new DamagingTransactionFinder(server.Binaries).FindAsync(range, mark.Tables, cancellationToken) is { } damage
                ? new DamageTarget(RecoveryTarget.BeforeTransaction(damage), $"found in archived WAL: {damage}") { Damage = damage }
                : Fallback(fallback, $"no transaction in WAL {range.Start} to {range.End} dropped, truncated or emptied a platform table");
        }
        catch (WalDumpException exception)
        {
            return Fallback(fallback, $"the WAL could not be read: {exception.Message}");
        }
        finally
        {
            Directory.Delete(search, recursive: true);
        }
    }

    /// <summary>The oid of the live platform database (null when there is none) and the timeline the cluster writes WAL on.</summary>
    private async Task<(uint? Database, uint Timeline)> LiveDatabaseAsync(CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync("postgres", cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT oid FROM pg_database WHERE datname = $1), pg_walfile_name(pg_current_wal_insert_lsn())", connection)
        {
            Parameters = { new() { Value = server.DatabaseName } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.IsDBNull(0) ? null : reader.GetFieldValue<uint>(0), WalSegment.TimelineOf(reader.GetString(1)));
    }

    /// <summary>Fetches the segments from the mark's on, until the archive has no more; returns how many.</summary>
    private static async Task<int> FetchAsync(PgBackRest pgBackRest, TableFileMark mark, string directory, CancellationToken cancellationToken)
    {
        var fetched = 0;
        for (var position = mark.Lsn; ; position = new Lsn(position.Value - position.Value % WalSegment.Size + WalSegment.Size))
        {
            var segment = WalSegment.Name(mark.Timeline, position);
            if (!await pgBackRest.ArchiveGetAsync(segment, Path.Combine(directory, segment), cancellationToken))
            {
                return fetched;
            }

            fetched++;
        }
    }

    // A search killed midway leaves its copies of WAL behind: the next one removes those whose process is gone.
    private static void RemoveLeftovers(PgBackRestLayout layout)
    {
        foreach (var leftover in Directory.EnumerateDirectories(layout.Root, SearchPrefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(leftover)[SearchPrefix.Length..], out var pid) || !Processes.UnixProcess.IsAlive(pid))
            {
                Directory.Delete(leftover, recursive: true);
            }
        }
    }

    private static DamageTarget Fallback(DateTimeOffset before, string why) =>
        new(RecoveryTarget.ToTime(before), $"{why}: restoring to {before.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, before the first evidence");
}

using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Restore;

/// <summary>What was seen of a restore killed mid-way, and what was done about it.</summary>
/// <param name="Seen">What the restore left.</param>
/// <param name="Done">How it was put right.</param>
public sealed record RestoreRepair(string Seen, string Done);

/// <summary>
/// Puts right what a restore killed with <c>kill -9</c> left, from its journal (<c>$O4O_HOME/run/restore.json</c>), so a
/// database left refusing connections does not wait for the next restore. The conductor runs it at start and when the
/// database refuses connections, <c>o4o status</c> when it finds a journal, every restore before its own work. A journal
/// whose restore still runs (it holds the restore lock) is left to it.
/// </summary>
/// <remarks>
/// The swap's transaction is the commit point. The journal is written before it and cleared after it, so the journal
/// alone cannot say whether a killed swap committed; the server can: the replaced database exists under the journal's
/// kept name only if it did. Before the commit point the swap is rolled back (the live database accepts connections
/// again, the copy is dropped); after it, it is finished (the kept database accepts connections again).
/// </remarks>
/// <param name="home">The O4O home (journal and lock).</param>
/// <param name="server">The database server, resolved when there is something to put right.</param>
/// <param name="journal">Where the repair goes on the record.</param>
/// <param name="actor">Who repairs: the conductor, or the person running <c>o4o status</c>.</param>
/// <param name="time">The clock.</param>
public sealed class InterruptedRestore(O4OHome home, Func<ResolvedDatabaseServer> server, IRecoveryJournal journal, string actor, TimeProvider time)
{
    /// <summary>Puts right an interrupted restore, if there is one and it is not running; returns what was done, or null.</summary>
    /// <exception cref="DatabaseUnavailableException">The server is not running.</exception>
    public async Task<RestoreRepair?> RepairAsync(CancellationToken cancellationToken)
    {
        var restoreJournal = Journal(home);
        if (restoreJournal.Read() is null)
        {
            return null;
        }

        ExclusiveLock held;
        try
        {
            held = Lock(home);
        }
        catch (LockHeldException)
        {
            return null;
        }

        using (held)
        {
            await using var admin = await RestoreDatabases.OpenAdminAsync(server(), cancellationToken);
            if (await PutRightAsync(admin, restoreJournal, cancellationToken) is not { } repair)
            {
                return null;
            }

            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, RecoveryEventKind.Action,
                repair.Seen, repair.Done, "done", null, actor), cancellationToken);
            return repair;
        }
    }

    /// <summary>True while a restore runs (it holds the lock) or a killed one's journal waits to be put right.</summary>
    public static bool JournalPresent(O4OHome home) => File.Exists(JournalPath(home));

    internal static RestoreJournal Journal(O4OHome home) => new(JournalPath(home));

    /// <summary>One restore (or repair) at a time per home; the kernel releases it when its holder dies.</summary>
    internal static ExclusiveLock Lock(O4OHome home)
    {
        PrivateFiles.CreateDirectory(home.Run);
        return ExclusiveLock.Acquire(Path.Combine(home.Run, "restore.lock"), "Another restore is already running; wait for it to finish.");
    }

    /// <summary>Puts right what the journal describes; the caller holds the lock. Returns null when there is no journal.</summary>
    internal static async Task<RestoreRepair?> PutRightAsync(NpgsqlConnection admin, RestoreJournal journal, CancellationToken cancellationToken)
    {
        if (journal.Read() is not { } entry)
        {
            return null;
        }

        var (live, copy, kept) = (entry.LiveDatabase, entry.RestoreDatabase, entry.DisplacedDatabase);
        RestoreRepair repair;
        if (entry.ConnectionsPaused && kept is not null && await RestoreDatabases.ExistsAsync(admin, kept, cancellationToken))
        {
            await DatabaseSwap.ResumeConnectionsAsync(admin, kept, cancellationToken);
            repair = new RestoreRepair($"a restore was killed after its swap committed, leaving {kept} refusing connections",
                $"finished the swap: {live} is the restored database; the replaced one is kept as {kept} and accepts connections again");
        }
        else
        {
            if (entry.ConnectionsPaused)
            {
                await DatabaseSwap.ResumeConnectionsAsync(admin, live, cancellationToken);
            }

            // An undo swaps in a kept database, not a copy of its own: only a restore's copy is dropped.
            var ownCopy = copy == live + "_restore";
            if (ownCopy)
            {
                await RestoreDatabases.DropAsync(admin, copy, cancellationToken);
            }

            repair = entry.ConnectionsPaused
                ? new RestoreRepair($"a restore was killed during its swap, before it committed, leaving {live} refusing connections",
                    $"rolled the swap back: {live} accepts connections again, as it was" + (ownCopy ? $"; the unfinished copy {copy} was removed" : ""))
                : new RestoreRepair($"a restore was killed before its swap, leaving its unfinished copy {copy}", $"removed {copy}; {live} was not touched");
        }

        journal.Clear();
        return repair;
    }

    private static string JournalPath(O4OHome home) => Path.Combine(home.Run, "restore.json");
}

using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Restore;

/// <summary>
/// <c>o4o restore --cleanup</c>: drops the replaced databases restores and undos kept (<see cref="KeptDatabases.ListAsync"/>),
/// never the live database or a restore's copy, which that list cannot name. It holds the restore lock throughout, so no
/// restore or undo (which swaps a kept database back in) runs meanwhile. Each drop goes on the record.
/// </summary>
/// <param name="home">The O4O home (the restore lock).</param>
/// <param name="server">The database server.</param>
/// <param name="journal">Where each drop goes on the record.</param>
/// <param name="actor">Who drops them.</param>
/// <param name="time">The clock the kept databases' ages are measured by.</param>
public sealed class KeptDatabaseCleanup(O4OHome home, ResolvedDatabaseServer server, IRecoveryJournal journal, string actor, TimeProvider time)
{
    /// <summary>
    /// Finds the kept databases older than <paramref name="olderThan"/> (all when null; one whose time is unknown only
    /// then), shows them to <paramref name="proceed"/>, and drops them only if it says so, reporting each to <paramref name="dropped"/>.
    /// </summary>
    /// <returns>The databases that qualified, oldest first.</returns>
    /// <exception cref="LockHeldException">A restore or undo is running.</exception>
    public async Task<IReadOnlyList<KeptDatabase>> RunAsync(TimeSpan? olderThan, Func<IReadOnlyList<KeptDatabase>, bool> proceed,
        Action<KeptDatabase> dropped, CancellationToken cancellationToken)
    {
        using var restoreLock = InterruptedRestore.Lock(home);
        await using var admin = await RestoreDatabases.OpenAdminAsync(server, cancellationToken);
        var now = time.GetUtcNow();
        var qualifying = (await KeptDatabases.ListAsync(admin, server.DatabaseName, cancellationToken))
            .Where(database => olderThan is null || (database.KeptAt is { } keptAt && now - keptAt >= olderThan))
            .ToList();
        if (qualifying.Count == 0 || !proceed(qualifying))
        {
            return qualifying;
        }

        foreach (var database in qualifying)
        {
            await RestoreDatabases.DropAsync(admin, database.Name, cancellationToken);
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, RecoveryEventKind.Action,
                $"{database.Name} kept aside by a restore or undo ({database.Size} bytes)", $"dropped {database.Name}", "done", null, actor),
                CancellationToken.None);
            dropped(database);
        }

        return qualifying;
    }

    /// <summary>How old <paramref name="database"/> is now; null when its name does not say when it was kept.</summary>
    public TimeSpan? Age(KeptDatabase database) => time.GetUtcNow() - database.KeptAt;
}

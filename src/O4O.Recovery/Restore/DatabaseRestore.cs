using System.Globalization;
using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;
using O4O.Recovery.State;

namespace O4O.Recovery.Restore;

/// <summary>What a restore is about to do, shown to the operator before the swap.</summary>
/// <param name="Archive">The archive's file name.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="LiveDatabase">The database that will be replaced.</param>
/// <param name="DisplacedDatabase">The name the replaced database will be kept under.</param>
/// <param name="Changes">What the live database holds beyond the archive: gone from the live database after the swap.</param>
public sealed record RestorePlan(string Archive, BackupManifest Manifest, string LiveDatabase, string DisplacedDatabase, LiveComparison Changes);

/// <summary>How a restore ended.</summary>
/// <param name="Plan">What was (or would have been) done.</param>
/// <param name="Swapped">True when the restored database is now live; false when the operator declined.</param>
/// <param name="FilesRestored">How many platform files were put back.</param>
/// <param name="FilesFailure">Why putting the platform files back failed after the swap; null when it did not.</param>
public sealed record RestoreOutcome(RestorePlan Plan, bool Swapped, int FilesRestored, string? FilesFailure = null);

/// <summary>
/// <c>o4o restore</c>: load into <c>&lt;db&gt;_restore</c>, verify against the manifest, swap by rename keeping the old
/// database as <c>&lt;db&gt;_broken_&lt;timestamp&gt;</c>. The live database is not touched until the copy has verified;
/// a failure or interruption removes only what this command created (the next run finishes the job after a <c>kill -9</c>).
/// </summary>
/// <param name="home">The O4O home (lock, journal, platform files).</param>
/// <param name="server">The database server.</param>
/// <param name="catalogue">Where restores are recorded.</param>
/// <param name="time">The clock.</param>
public sealed class DatabaseRestore(O4OHome home, ResolvedDatabaseServer server, BackupCatalogue catalogue, TimeProvider time)
{
    private readonly RestoreJournal _journal = InterruptedRestore.Journal(home);

    private string Live => server.DatabaseName;

    private string Incoming => Live + "_restore";

    /// <summary>Restores <paramref name="archive"/> (a path); <paramref name="confirm"/> decides whether to swap.</summary>
    /// <exception cref="RestoreRefusedException">A leftover database nobody can vouch for, or another restore running.</exception>
    /// <exception cref="RestoreFailedException">Loading or verification failed; the live database is unchanged.</exception>
    /// <exception cref="BackupCorruptException">The archive is damaged.</exception>
    public async Task<RestoreOutcome> RestoreAsync(string archive, bool databaseOnly, Func<RestorePlan, bool> confirm, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        using var restoreLock = Lock();
        await using var admin = await RestoreDatabases.OpenAdminAsync(server, cancellationToken);
        var outcome = RestoreRecordOutcome.Failed;
        var swapped = false;
        try
        {
            var (plan, swap) = await SwapInAsync(admin, started,
                async (created, token) =>
                {
                    var manifest = await LoadArchiveAsync(archive, created, progress, token);
                    // Damage right after the swap is searched for in the WAL from here (PointInTime.DamageRecoveryPoint).
                    await TableFileMarking.MarkGoingLiveAsync(home, server.ConnectionString(Incoming), manifest.RowCounts, time, token);
                    return manifest;
                },
                async (manifest, displaced, token) =>
                    new RestorePlan(Path.GetFileName(archive), manifest, Live, displaced, await LiveComparison.CompareAsync(server, Live, manifest, token)),
                confirm, cancellationToken);
            if (!swap)
            {
                outcome = RestoreRecordOutcome.Declined;
                return new RestoreOutcome(plan, false, 0);
            }

            // The swap is the commit point: from here the restore has happened, whatever a later step does.
            (swapped, outcome) = (true, RestoreRecordOutcome.Swapped);
            catalogue.RecordRestore(plan.Archive, started, time.GetUtcNow(), outcome, plan.DisplacedDatabase);
            if (databaseOnly)
            {
                return new RestoreOutcome(plan, true, 0);
            }

            var (files, failure) = await RestorePlatformFilesAsync(archive, started, cancellationToken);
            return new RestoreOutcome(plan, true, files, failure);
        }
        finally
        {
            if (!swapped)
            {
                catalogue.RecordRestore(Path.GetFileName(archive), started, time.GetUtcNow(), outcome, null);
            }
        }
    }

    /// <summary>
    /// The side database's load and the verified swap every restore shares; the caller holds the restore lock. Creates
    /// <c>&lt;db&gt;_restore</c> (journalled first), runs <paramref name="load"/> into it once it exists (a load may start
    /// reading its source meanwhile) and then hands it to the owner role, asks <paramref name="plan"/> what the swap would
    /// change (counted at the last moment, so what was written during the load is counted too) and
    /// <paramref name="confirm"/> whether to swap; a <paramref name="handover"/> does the last work on the live database in the swap
    /// (<see cref="SwapHandover"/>). Unless it swapped, the copy is removed.
    /// </summary>
    /// <returns>The plan, and true when the copy is now live.</returns>
    internal async Task<(TPlan Plan, bool Swapped)> SwapInAsync<TLoaded, TPlan>(NpgsqlConnection admin, DateTimeOffset started,
        Func<Task, CancellationToken, Task<TLoaded>> load, Func<TLoaded, string, CancellationToken, Task<TPlan>> plan, Func<TPlan, bool> confirm,
        CancellationToken cancellationToken, Func<CancellationToken, Task<SwapHandover>>? handover = null)
    {
        await RecoverInterruptedAsync(admin, cancellationToken);
        if (await RestoreDatabases.ExistsAsync(admin, Incoming, cancellationToken))
        {
            throw new RestoreRefusedException(
                $"Database {Incoming} already exists and was not created by o4o; inspect it, then remove it with: psql -U postgres -c 'DROP DATABASE {Incoming}'");
        }

        var entry = new RestoreJournalEntry(Live, Incoming, false, $"{Live}_broken_{started.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}");
        if (System.Text.Encoding.UTF8.GetByteCount(entry.DisplacedDatabase!) > 63)
        {
            throw new RestoreRefusedException($"Database name {Live} is too long to keep the replaced copy as {entry.DisplacedDatabase} (PostgreSQL allows 63 bytes).");
        }

        _journal.Write(entry);
        var swapped = false;
        try
        {
            // The source is read while the server creates the database.
            var created = RestoreDatabases.CreateAsync(admin, Incoming, cancellationToken);
            TLoaded loaded;
            try
            {
                loaded = await load(created, cancellationToken);
            }
            finally
            {
                // The admin connection drops what was created below: it must be done creating it first.
                await created.ContinueWith(_ => { }, TaskScheduler.Default);
            }

            if (server.OwnerRole is not null)
            {
                // Before the swap, so the platform finds its tables its own the moment the copy goes live.
                await OwnerRole.HandOverAsync(admin, server.ConnectionString(Incoming), Incoming, cancellationToken);
            }

            var planned = await plan(loaded, entry.DisplacedDatabase!, cancellationToken);
            if (!confirm(planned))
            {
                return (planned, false);
            }

            var liveExists = await RestoreDatabases.ExistsAsync(admin, Live, cancellationToken);
            await using var lastWork = liveExists && handover is not null ? await handover(cancellationToken) : null;
            await DatabaseSwap.SwapAsync(admin, _journal, entry, liveExists, cancellationToken, lastWork);
            swapped = true;
            _journal.Clear();
            return (planned, true);
        }
        finally
        {
            if (!swapped && await TryDropAsync(admin))
            {
                _journal.Clear();
            }
        }
    }

    /// <summary>Loads and verifies the archive; a damaged one is known bad from now on (<c>restore latest</c> and <c>recover</c> pass it over).</summary>
    private async Task<BackupManifest> LoadArchiveAsync(string archive, Task created, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        // The dump's parts are read where the manifest says they lie, so what lies between and after them (tar
        // padding, the end-of-archive blocks, the last gzip trailer) is checked beside the load, as verify does:
        // an archive the runbook's tar -xzf refuses is not restored either.
        var framing = Task.Run(() => ArchiveFraming.CheckStoredMembers(archive), cancellationToken);
        try
        {
            var manifest = await ArchiveLoad.LoadAndVerifyAsync(server, archive, Incoming, created, progress, cancellationToken);
            await framing;
            return manifest;
        }
        catch (BackupCorruptException damaged)
        {
            catalogue.RecordVerification(Path.GetFileName(archive), time.GetUtcNow(), passed: false, damaged.Message);
            throw;
        }
        finally
        {
            await framing.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The step after the commit point: its failure is its own, recorded as such; the database stays restored.</summary>
    /// <summary>
    /// Puts <paramref name="archive"/>'s platform files back (<see cref="PlatformFilesRestore"/>), as a restore does after its
    /// swap; on its own after a point-in-time restore of the database. Recorded in the catalogue either way.
    /// </summary>
    /// <returns>How many files were put back, and why that failed when it did.</returns>
    public async Task<(int Restored, string? Failure)> RestorePlatformFilesAsync(string archive, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(archive);
        var filesStarted = time.GetUtcNow();
        try
        {
            var files = await PlatformFilesRestore.RestoreAsync(home, archive, started, cancellationToken);
            catalogue.RecordRestore(name, filesStarted, time.GetUtcNow(), RestoreRecordOutcome.FilesRestored, files.ToString(CultureInfo.InvariantCulture));
            return (files, null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or BackupCorruptException)
        {
            catalogue.RecordRestore(name, filesStarted, time.GetUtcNow(), RestoreRecordOutcome.FilesFailed, exception.Message);
            return (0, exception.Message);
        }
    }

    /// <summary>Swaps the newest <c>&lt;db&gt;_broken_*</c> back in; the current database is kept as <c>&lt;db&gt;_undone_&lt;timestamp&gt;</c>.</summary>
    /// <returns>The database that is live again, and the name the replaced one is kept under.</returns>
    /// <exception cref="RestoreRefusedException">There is nothing to swap back to.</exception>
    public async Task<(string Restored, string KeptAs)> UndoAsync(Func<string, bool> confirm, CancellationToken cancellationToken)
    {
        using var restoreLock = Lock();
        await using var admin = await RestoreDatabases.OpenAdminAsync(server, cancellationToken);
        await RecoverInterruptedAsync(admin, cancellationToken);
        var broken = await NewestBrokenAsync(admin, cancellationToken)
            ?? throw new RestoreRefusedException($"There is no {Live}_broken_* database to swap back to.");
        var keptAs = $"{Live}_undone_{time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}";
        if (!confirm(broken))
        {
            return (broken, "");
        }

        var entry = new RestoreJournalEntry(Live, broken, false, keptAs);
        // Its marks from before it was replaced would have damage after the swap searched for from before the damage the
        // restore undid: it is marked anew, before the swap as every restore marks what it puts live.
        await TableFileMarking.MarkGoingLiveAsync(home, server.ConnectionString(broken), null, time, cancellationToken);
        await DatabaseSwap.SwapAsync(admin, _journal, entry, await RestoreDatabases.ExistsAsync(admin, Live, cancellationToken), cancellationToken);
        _journal.Clear();
        catalogue.RecordRestore(broken, time.GetUtcNow(), time.GetUtcNow(), RestoreRecordOutcome.Undone, keptAs);
        return (broken, keptAs);
    }

    private ExclusiveLock Lock() => InterruptedRestore.Lock(home);

    /// <summary>Puts right what a killed run left (see <see cref="InterruptedRestore"/>), and a marked copy with no journal.</summary>
    private async Task RecoverInterruptedAsync(NpgsqlConnection admin, CancellationToken cancellationToken)
    {
        await InterruptedRestore.PutRightAsync(admin, _journal, cancellationToken);
        if (await RestoreDatabases.IsOursAsync(admin, Incoming, cancellationToken))
        {
            await RestoreDatabases.DropAsync(admin, Incoming, cancellationToken);
        }
    }

    /// <summary>Removes this run's copy; when the server is gone too, the journal stays and the next run removes it.</summary>
    private async Task<bool> TryDropAsync(NpgsqlConnection admin)
    {
        try
        {
            await RestoreDatabases.DropAsync(admin, Incoming, CancellationToken.None);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<string?> NewestBrokenAsync(NpgsqlConnection admin, CancellationToken cancellationToken) =>
        await RestoreDatabases.ScalarAsync(admin,
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname DESC LIMIT 1", Live + "_broken_", cancellationToken) as string;
}

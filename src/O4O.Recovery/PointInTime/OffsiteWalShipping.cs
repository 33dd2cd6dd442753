using O4O.Recovery.Supervision;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// The conductor's copy of the archived WAL to the off-site repository. The live cluster archives to the local repository
/// alone: pgBackRest 2.45 pushes each segment to every repository it is configured with and reports a failure when any
/// refuses, so with the bucket down the local archive stalled too (segments waited in <c>pg_wal</c>, the local repository
/// fell behind) and <c>stanza-create</c> and <c>check</c>, which act on every repository, kept the conductor from ever taking a
/// local physical backup. Here every <see cref="Interval"/> each WAL file of the local archive that the bucket lacks is
/// fetched (<c>archive-get</c>) and pushed to the bucket alone (<c>archive-push</c> with the off-site configuration, which
/// compresses and encrypts it as the archiver would), oldest first, from the oldest the bucket holds on (older ones have
/// been expired there). A bucket that cannot be reached is retried with a growing wait; the lag it leaves is recorded
/// (<see cref="OffsiteWalState"/>) for the backup watch, which opens an incident once it crosses <c>Offsite:LagThreshold</c>.
/// </summary>
internal sealed class OffsiteWalShipping(PgBackRest pgBackRest, IRecoveryJournal journal, TimeProvider time) : IDisposable
{
    /// <summary>The component of its events.</summary>
    public const string Component = "offsite-wal";

    /// <summary>How often the local archive is compared with the bucket's.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan _longestWait = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _round = new(1, 1);
    private OffsiteWalState? _state;
    private bool _stanzaCreated;
    private bool _failing;

    /// <summary>Ships what is pending now and after every <see cref="Interval"/> until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var wait = Interval;
        try
        {
            while (true)
            {
                wait = await ShipAsync(stop) ? Interval : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _longestWait.Ticks));
                await Task.Delay(wait, time, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The conductor stops.
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> (a backup into the off-site repository) while shipping every second: pgBackRest's backup
    /// waits for the segments it started and stopped in to reach the repository it backs up to.
    /// </summary>
    public async Task<T> AlongsideAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken stop)
    {
        // The first round creates the stanza there, which the backup needs before it starts.
        await ShipAsync(stop);
        var working = work(stop);
        while (!working.IsCompleted)
        {
            await ShipAsync(stop);
            await Task.WhenAny(working, Task.Delay(TimeSpan.FromSeconds(1), time, stop));
        }

        return await working;
    }

    /// <summary>One round: ships every WAL file the bucket lacks; false when one failed (the bucket unreachable, a push refused).</summary>
    public async Task<bool> ShipAsync(CancellationToken stop)
    {
        if (Containment.Isolation.IsOn(pgBackRest.Home))
        {
            // Isolated after an attack: nothing leaves the machine until a person ends it (`o4o isolate off`).
            return true;
        }

        await _round.WaitAsync(stop);
        try
        {
            _state ??= OffsiteWalState.Read(pgBackRest.Layout) ?? new OffsiteWalState(null, 0, null, null);
            List<ArchivedWalFile> pending = [];
            var shipped = 0;
            try
            {
                var (local, directories) = await ArchivedWal.ListLocalAsync(pgBackRest, stop);
                // Until the bucket answers, what it is not known to hold is pending: every segment after the newest shipped.
                var through = _state.ShippedThrough;
                pending = [.. local.Values.Where(file => !file.IsHistory && (through is null || string.CompareOrdinal(file.Name, through) > 0))
                    .OrderBy(file => file.Name, StringComparer.Ordinal)];
                if (!_stanzaCreated)
                {
                    await pgBackRest.Offsite.RunAsync("stanza-create", [], stop);
                    _stanzaCreated = true;
                }

                var remote = await ArchivedWal.ListAsync(pgBackRest, PgBackRestOffsite.Remote, directories, stop);
                pending = Missing(local.Values, remote.Values);
                _state = _state with { ShippedThrough = remote.Values.Where(file => !file.IsHistory).Aggregate(_state.ShippedThrough, (newest, file) => Later(newest, file.Name)) };
                await RecordAsync(pending, null, stop);
                for (; shipped < pending.Count; shipped++)
                {
                    await CopyAsync(pending[shipped].Name, stop);
                    _state = _state with { ShippedThrough = pending[shipped].IsHistory ? _state.ShippedThrough : Later(_state.ShippedThrough, pending[shipped].Name) };
                }

                await RecordAsync([], null, stop);
                return true;
            }
            catch (PgBackRestException exception)
            {
                await RecordAsync([.. pending.Skip(shipped)], exception.Message, stop);
                return false;
            }
        }
        finally
        {
            _round.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _round.Dispose();

    // The files the bucket lacks, history files first (a timeline's history before its segments), then segments in order;
    // none before the oldest segment the bucket holds (expired there with the backups that needed them).
    private static List<ArchivedWalFile> Missing(IEnumerable<ArchivedWalFile> local, IEnumerable<ArchivedWalFile> remote)
    {
        var held = remote.Select(file => file.Name).ToHashSet(StringComparer.Ordinal);
        var oldestHeld = remote.Where(file => !file.IsHistory).Select(file => file.Name).Order(StringComparer.Ordinal).FirstOrDefault();
        return [.. local
            .Where(file => !held.Contains(file.Name) && (file.IsHistory || oldestHeld is null || string.CompareOrdinal(file.Name, oldestHeld) > 0))
            .OrderBy(file => file.IsHistory ? 0 : 1).ThenBy(file => file.Name, StringComparer.Ordinal)];
    }

    private static string Later(string? segment, string other) => segment is null || string.CompareOrdinal(other, segment) > 0 ? other : segment;

    private async Task CopyAsync(string name, CancellationToken stop)
    {
        var fetched = Path.Combine(pgBackRest.Layout.OffsiteShipping, name);
        File.Delete(fetched);
        try
        {
            if (!await pgBackRest.ArchiveGetAsync(name, fetched, stop))
            {
                throw new PgBackRestException("archive-get", $"the local repository no longer holds {name}");
            }

            await pgBackRest.Offsite.RunAsync("archive-push", ["--no-archive-async"], [fetched], stop);
        }
        finally
        {
            File.Delete(fetched);
        }
    }

    // The state file changes only when something in it does; a failure and the first good round after one are events.
    private async Task RecordAsync(List<ArchivedWalFile> pending, string? error, CancellationToken stop)
    {
        var state = _state! with { Pending = pending.Count, OldestPendingAt = pending.Count == 0 ? null : pending.Min(file => file.StoredAt), Error = error };
        if (state != OffsiteWalState.Read(pgBackRest.Layout))
        {
            state.Write(pgBackRest.Layout);
        }

        _state = state;
        if (error is not null && !_failing)
        {
            _failing = true;
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Note,
                $"WAL does not reach the off-site repository: {error}; {pending.Count} file(s) wait", "compared the local WAL archive with the bucket's",
                "the local archive and backups go on; retried with a growing wait, an incident once the lag passes Offsite:LagThreshold"), stop);
        }
        else if (error is null && _failing && pending.Count == 0)
        {
            _failing = false;
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Note,
                $"WAL reaches the off-site repository again: it holds every segment through {state.ShippedThrough ?? "-"}"), stop);
        }
    }
}

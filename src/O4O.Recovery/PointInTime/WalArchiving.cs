using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// The conductor's watch over WAL archiving on the managed cluster. At the start it creates pgBackRest's stanza (or
/// confirms it matches the cluster) and runs <c>pgbackrest check</c>, which proves end to end that a segment reaches the
/// repository. A failure is a detected failure of the <c>wal-archive</c> component, so an incident, not a log line:
/// without archived WAL a restore loses everything since the last backup. It is tried again every
/// <see cref="RetryInterval"/> until it passes, which is the recovery. Then it keeps watching every
/// <see cref="ArchivingOptions.WatchInterval"/>: a failing <c>archive_command</c> or an archive lag above
/// <see cref="ArchivingOptions.LagThreshold"/> is detected the same way (<see cref="ArchiveWatch"/>), with the failing
/// segment and pgBackRest's reason, and recovered when archiving catches up.
/// </summary>
internal sealed class WalArchiving(PgBackRest pgBackRest, string connectionString, ArchivingOptions options, IRecoveryJournal journal, TimeProvider time)
{
    /// <summary>The component's name in events and incidents.</summary>
    public const string Component = "wal-archive";

    /// <summary>How long after a failed check the next one runs.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMinutes(1);

    private readonly TaskCompletionSource _checked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the stanza exists and the check passed: a physical backup before that cannot succeed.</summary>
    public Task Checked => _checked.Task;

    /// <summary>Checks archiving until it works, then watches it until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await CheckAsync(stop);
        var watch = new ArchiveWatch(options.LagThreshold);
        while (true)
        {
            await Task.Delay(options.WatchInterval, time, stop);
            ArchiverStatus status;
            try
            {
                status = await ArchiverStatus.ReadAsync(connectionString, stop);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                // The database's own watch reports a server that does not answer; archiving is judged again when it does.
                continue;
            }

            if (watch.Look(status, segment => ArchivePushError.Read(pgBackRest.Layout, segment), time.GetUtcNow()) is { } change)
            {
                await journal.RecordAsync(change, stop);
            }
        }
    }

    private async Task CheckAsync(CancellationToken stop)
    {
        var failing = false;
        while (true)
        {
            try
            {
                await pgBackRest.StanzaAndCheckAsync(stop);
                await journal.RecordAsync(failing
                    ? new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Recovered, "WAL archiving works again: pgbackrest check passed")
                    : new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Note,
                        $"WAL archiving works: stanza '{PgBackRest.Stanza}' checked end to end by pgbackrest check"), stop);
                _checked.TrySetResult();
                return;
            }
            catch (PgBackRestException exception)
            {
                failing = true;
                await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Detected,
                    $"WAL archiving does not work: {exception.Message}", "ran pgbackrest stanza-create and check",
                    $"a restore cannot reach past the last backup until it works; checking again in {RetryInterval.TotalMinutes:0} min"), stop);
            }

            await Task.Delay(RetryInterval, time, stop);
        }
    }
}

using System.Globalization;
using Amazon.Runtime;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Offsite;

/// <summary>
/// The off-site copies of the logical archives, with <c>Offsite:Endpoint</c> set: every archive in the backup directory that
/// has no complete copy yet is uploaded, oldest first, by <see cref="ArchiveUpload"/>; the copies of archives
/// <c>o4o backup prune</c> removed are deleted first (<see cref="OffsiteRetention"/>). The conductor runs it in the
/// background, a minute after an archive appears at the latest or at once when <c>o4o backup create</c> asks
/// (<see cref="UploadSoon"/>), so its local backups never wait for it; without a conductor <c>o4o backup create</c> runs a
/// round itself. One round at a time per home, whichever process runs it (<c>run/offsite-upload.lock</c>): two would
/// begin two multipart uploads of one archive. A failed upload — the bucket unreachable, a request refused — is a detected
/// failure of the <c>offsite-backups</c> component (an incident, as for the other backup jobs), retried with a growing wait
/// (up to half an hour) and resumed where it stopped, also after the uploading process was killed; the next good upload is
/// its recovery.
/// </summary>
public sealed class OffsiteUploads(O4OHome home, BackupOptions backup, OffsiteOptions offsite, IRecoveryJournal journal, TimeProvider time)
{
    /// <summary>The off-site copies' component in events and incidents.</summary>
    public const string Component = "offsite-backups";

    /// <summary>How often the backup directory is looked at for archives to upload.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan _longestWait = TimeSpan.FromMinutes(30);

    private readonly BackupsHealth _health = new(Component, journal, time);
    private TaskCompletionSource _soon = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _warnedOfPolling;

    /// <summary>The bytes per part of new uploads (<see cref="OffsiteOptions.PartSizeMiB"/>).</summary>
    internal long PartSize { get; init; } = offsite.PartSize;

    /// <summary>Called after each part is recorded (<see cref="ArchiveUpload.PartUploaded"/>): where a test acts mid-upload.</summary>
    internal Func<int, Task>? PartUploaded { get; init; }

    /// <summary>Told, besides the event log, what a person running the round should see: the isolation flag only polled.</summary>
    public Action<string>? Warned { get; init; }

    /// <summary>Why the last round failed, as recorded in the detected failure; null after a good one.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>Uploads what is pending now and after every <see cref="Interval"/> until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var wait = Interval;
        while (true)
        {
            try
            {
                wait = await UploadPendingAsync(stop) ? Interval : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _longestWait.Ticks));
                var soon = _soon.Task;
                await await Task.WhenAny(Task.Delay(wait, time, stop), soon);
                if (soon.IsCompleted)
                {
                    // Taken before the round, so that an archive made while it runs gets a round of its own.
                    _soon = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Ends the wait before the next round: <c>o4o backup create</c> made an archive (through the control API).</summary>
    public void UploadSoon() => _soon.TrySetResult();

    /// <summary>
    /// Uploads every archive that has no complete copy; false when one failed (recorded as a detected failure). While
    /// another process's round runs it returns true at once, unless <paramref name="waitForOthers"/>: then it waits its turn.
    /// </summary>
    public async Task<bool> UploadPendingAsync(CancellationToken stop, bool waitForOthers = false)
    {
        if (Containment.Isolation.IsOn(home))
        {
            // Isolated after an attack: nothing leaves the machine until a person ends it (`o4o isolate off`).
            return true;
        }

        using var round = await TakeTurnAsync(waitForOthers, stop);
        if (round is null)
        {
            return true;
        }

        var directory = backup.DirectoryFor(home);
        var pending = "";
        try
        {
            var copies = new OffsiteCopies(home.StateDatabase);
            using var bucket = OffsiteBucket.Open(home, offsite);
            var upload = new ArchiveUpload(home, bucket, copies, offsite, time) { PartSize = PartSize, PartUploaded = PartUploaded, Warned = WarnOfPollingAsync };
            pending = " (deleting the copies of pruned archives)";
            if (await OffsiteRetention.DeletePrunedAsync(home, bucket, directory, copies, time, stop) is [_, ..] deleted)
            {
                await _health.ActedAsync($"{string.Join(", ", deleted)} pruned here", "deleted their off-site copies", "retention applied off-site as locally", stop);
            }

            foreach (var name in OffsiteLag.Pending(directory, copies))
            {
                pending = $" of {name}";
                await EnsureAnsweringAsync(stop);
                var copy = await upload.UploadAsync(Path.Combine(directory, name), stop);
                var locked = copy.LockUntil is { } until ? string.Create(CultureInfo.InvariantCulture, $", locked until {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC") : "";
                var made = string.Create(CultureInfo.InvariantCulture,
                    $"{name} is off-site: {bucket.Address(copy.ObjectKey)}, {copy.Size / 1048576.0:0.0} MB sealed, SHA-256 {copy.Sha256}{locked}");
                await _health.ActedAsync($"{name} has no off-site copy yet", "sealed it and uploaded it in parts", made, stop);
                await _health.SucceededAsync(made, stop);
            }

            LastFailure = null;
            return true;
        }
        catch (OffsiteIsolatedException isolated)
        {
            // Not a failure of the bucket: a person stopped everything leaving the machine.
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Note, isolated.Message), stop);
            return true;
        }
        catch (Exception exception) when (IsFailure(exception) && !stop.IsCancellationRequested)
        {
            LastFailure = $"the off-site upload{pending} failed: {exception.Message}";
            await _health.FailedAsync(LastFailure, "uploaded the archives that have no off-site copy",
                "the local archives stand; the upload resumes where it stopped at the next attempt", stop);
            return false;
        }
    }

    // The lock is flock'd, so the kernel frees it with a killed holder: the next round resumes that one's upload.
    private async Task<ExclusiveLock?> TakeTurnAsync(bool wait, CancellationToken stop)
    {
        PrivateFiles.CreateDirectory(home.Run);
        var path = Path.Combine(home.Run, "offsite-upload.lock");
        while (true)
        {
            try
            {
                return ExclusiveLock.Acquire(path, "another o4o is uploading to the off-site bucket");
            }
            catch (LockHeldException) when (wait)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, stop);
            }
            catch (LockHeldException)
            {
                return null;
            }
        }
    }

    // Once per process: the conductor makes a watch per upload, and the reason does not change while it runs.
    private async Task WarnOfPollingAsync(string why)
    {
        if (_warnedOfPolling)
        {
            return;
        }

        _warnedOfPolling = true;
        Warned?.Invoke(why);
        await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Note, why), CancellationToken.None);
    }

    // A silent endpoint fails the round in seconds, where the SDK would wait out its timeout on each of its attempts.
    private async Task EnsureAnsweringAsync(CancellationToken stop)
    {
        var endpoint = offsite.EndpointUri;
        if (await OffsiteEndpoint.WhyNotAnsweringAsync(endpoint.Host, endpoint.Port, offsite.CaFile, stop) is { } why)
        {
            throw new OffsiteException($"the off-site endpoint {endpoint.Host}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)} cannot be reached: {why}");
        }
    }

    private static bool IsFailure(Exception exception) =>
        exception is AmazonClientException or HttpRequestException or IOException or TimeoutException or OffsiteException or ArchiveKeyFileException
            or TaskCanceledException;
}

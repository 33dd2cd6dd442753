using System.Globalization;
using Amazon.Runtime;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Offsite;

/// <summary>
/// The conductor's off-site copies of the logical archives, with <c>Offsite:Endpoint</c> set: every archive in the backup
/// directory that has no complete copy yet (the conductor's own, <c>o4o backup create</c>'s) is uploaded in the
/// background, oldest first, a minute after it appears at the latest, by <see cref="ArchiveUpload"/>; the copies of archives
/// <c>o4o backup prune</c> removed are deleted first (<see cref="OffsiteRetention"/>). The local backup
/// never waits for it. A failed upload — the bucket unreachable, a request refused — is a detected failure of the
/// <c>offsite-backups</c> component (an incident, as for the other backup jobs), retried with a growing wait (up to
/// half an hour) and resumed where it stopped; the next good upload is its recovery.
/// </summary>
internal sealed class OffsiteUploads(O4OHome home, BackupOptions backup, OffsiteOptions offsite, IRecoveryJournal journal, TimeProvider time)
{
    /// <summary>The off-site copies' component in events and incidents.</summary>
    public const string Component = "offsite-backups";

    /// <summary>How often the backup directory is looked at for archives to upload.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan _longestWait = TimeSpan.FromMinutes(30);

    private readonly BackupsHealth _health = new(Component, journal, time);

    /// <summary>The bytes per part of new uploads.</summary>
    internal long PartSize { get; init; } = ArchiveUpload.DefaultPartSize;

    /// <summary>Called after each part is recorded (<see cref="ArchiveUpload.PartUploaded"/>): where a test acts mid-upload.</summary>
    internal Func<int, Task>? PartUploaded { get; init; }

    /// <summary>Uploads what is pending now and after every <see cref="Interval"/> until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var wait = Interval;
        while (true)
        {
            try
            {
                wait = await UploadPendingAsync(stop) ? Interval : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _longestWait.Ticks));
                await Task.Delay(wait, time, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Uploads every archive that has no complete copy; false when one failed (recorded as a detected failure).</summary>
    internal async Task<bool> UploadPendingAsync(CancellationToken stop)
    {
        if (Containment.Isolation.IsOn(home))
        {
            // Isolated after an attack: nothing leaves the machine until a person ends it (`o4o isolate off`).
            return true;
        }

        var directory = backup.DirectoryFor(home);
        var pending = "";
        try
        {
            var copies = new OffsiteCopies(home.StateDatabase);
            using var bucket = OffsiteBucket.Open(home, offsite);
            var upload = new ArchiveUpload(home, bucket, copies, offsite, time) { PartSize = PartSize, PartUploaded = PartUploaded };
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
            await _health.FailedAsync($"the off-site upload{pending} failed: {exception.Message}", "uploaded the archives that have no off-site copy",
                "the local archives stand; the upload resumes where it stopped at the next attempt", stop);
            return false;
        }
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

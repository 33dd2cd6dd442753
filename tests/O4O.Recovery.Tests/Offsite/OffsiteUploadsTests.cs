using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Containment;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;
using O4O.Recovery.Tests.Backups;
using O4O.Recovery.Tests.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

[Collection(PostgresCollection.Name)]
public sealed class OffsiteUploadsTests(ManagedPostgresFixture postgres, S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task An_unreachable_bucket_is_a_detected_failure_of_offsite_backups_and_the_next_upload_its_recovery()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await bed.BackupAsync();
        var name = Path.GetFileName(archive.ArchivePath);
        var events = new RecordedEvents();
        var uploads = new OffsiteUploads(bed.Home, new BackupOptions { Directory = bed.BackupDirectory }, ArchiveUploadTests.OffsiteOf(server), events, TimeProvider.System);
        try
        {
            await server.StopAsync();
            Assert.False(await uploads.UploadPendingAsync(CancellationToken.None));
            await server.StartAsync();
            Assert.True(await uploads.UploadPendingAsync(CancellationToken.None));
        }
        finally
        {
            await server.StartAsync();
        }

        Assert.Equal([RecoveryEventKind.Detected, RecoveryEventKind.Action, RecoveryEventKind.Recovered], events.Events.Select(e => e.Kind));
        Assert.All(events.Events, e => Assert.Equal(OffsiteUploads.Component, e.Component));
        Assert.StartsWith($"the off-site upload of {name} failed: ", events.Events[0].Seen, StringComparison.Ordinal);
        Assert.StartsWith($"{name} is off-site: s3://{server.Bucket}/", events.Events[1].Outcome, StringComparison.Ordinal);
        Assert.True(new OffsiteCopies(bed.Home.StateDatabase).Find(name)!.Complete);
    }

    [Fact]
    public async Task While_the_shop_is_isolated_no_archive_leaves_the_machine_and_isolate_off_uploads_it()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var name = Path.GetFileName((await bed.BackupAsync()).ArchivePath);
        var offsite = ArchiveUploadTests.OffsiteOf(server);
        var uploads = new OffsiteUploads(bed.Home, new BackupOptions { Directory = bed.BackupDirectory }, offsite, new RecordedEvents(), TimeProvider.System);
        Assert.True(Isolation.TurnOn(bed.Home, "ops", DateTimeOffset.UtcNow));

        Assert.True(await uploads.UploadPendingAsync(CancellationToken.None));
        Assert.Null(new OffsiteCopies(bed.Home.StateDatabase).Find(name));
        Assert.DoesNotContain(server.ObjectKeys(), key => key.StartsWith(offsite.Prefix, StringComparison.Ordinal));

        Assert.True(Isolation.TurnOff(bed.Home));
        Assert.True(await uploads.UploadPendingAsync(CancellationToken.None));
        Assert.True(new OffsiteCopies(bed.Home.StateDatabase).Find(name)!.Complete);
    }

    [Fact]
    public async Task An_upload_in_flight_when_the_shop_is_isolated_stops_sends_no_part_after_and_resumes_after_isolate_off()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var name = Path.GetFileName((await bed.BackupAsync()).ArchivePath);
        var copies = new OffsiteCopies(bed.Home.StateDatabase);
        var events = new RecordedEvents();
        var offsite = ArchiveUploadTests.OffsiteOf(server);
        var uploads = new OffsiteUploads(bed.Home, new BackupOptions { Directory = bed.BackupDirectory }, offsite, events, TimeProvider.System)
        {
            PartSize = ArchiveUploadTests.PartSize,
            // The shop is isolated as the first part is acknowledged, others on their way.
            PartUploaded = _ =>
            {
                Isolation.TurnOn(bed.Home, "ops", DateTimeOffset.UtcNow);
                return Task.CompletedTask;
            },
        };

        Assert.True(await uploads.UploadPendingAsync(CancellationToken.None));

        var copy = copies.Find(name)!;
        Assert.False(copy.Complete);
        var count = (int)((copy.Size + copy.PartSize - 1) / copy.PartSize);
        var received = server.PartsReceived(copy.UploadId);
        Assert.True(count > 2 * ArchiveUpload.DefaultConcurrency, $"{count} parts");
        // The part that isolated the shop and at most those already on their way then; no part began after it.
        Assert.InRange(received.Count, 1, ArchiveUpload.DefaultConcurrency);
        Assert.DoesNotContain(copy.ObjectKey, server.ObjectKeys());
        var note = Assert.Single(events.Events);
        Assert.Equal((RecoveryEventKind.Note, OffsiteUploads.Component), (note.Kind, note.Component));
        Assert.StartsWith($"the upload of {name} stopped with ", note.Seen, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(received, server.PartsReceived(copy.UploadId));

        Assert.True(Isolation.TurnOff(bed.Home));
        var resumed = new OffsiteUploads(bed.Home, new BackupOptions { Directory = bed.BackupDirectory }, offsite, events, TimeProvider.System);
        Assert.True(await resumed.UploadPendingAsync(CancellationToken.None));
        Assert.Equal(copy.UploadId, copies.Find(name)!.UploadId);
        Assert.True(copies.Find(name)!.Complete);
    }

    [Fact]
    public async Task The_copy_of_an_archive_the_pruner_removed_is_deleted_from_the_bucket_and_the_kept_ones_stay()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var older = Path.GetFileName((await bed.BackupAsync()).ArchivePath);
        var newer = Path.GetFileName((await bed.BackupAsync()).ArchivePath);
        var backup = new BackupOptions { Directory = bed.BackupDirectory, KeepDaily = 1, KeepWeekly = 0, KeepMonthly = 0 };
        var events = new RecordedEvents();
        var uploads = new OffsiteUploads(bed.Home, backup, ArchiveUploadTests.OffsiteOf(server), events, TimeProvider.System);
        Assert.True(await uploads.UploadPendingAsync(CancellationToken.None));
        var copies = new OffsiteCopies(bed.Home.StateDatabase);
        var olderKey = copies.Find(older)!.ObjectKey;

        await new BackupPruner(bed.BackupDirectory, backup, bed.Catalogue).PruneAsync(dryRun: false, CancellationToken.None);
        Assert.True(await uploads.UploadPendingAsync(CancellationToken.None));

        Assert.DoesNotContain(olderKey, server.ObjectKeys());
        Assert.Contains(copies.Find(newer)!.ObjectKey, server.ObjectKeys());
        Assert.Null(copies.Find(older));
        Assert.Contains(events.Events, e => e.Done == "deleted their off-site copies" && e.Seen == $"{older} pruned here");
    }

    [Fact]
    public async Task Without_credentials_anywhere_the_upload_is_a_detected_failure_naming_the_setting_not_a_crash()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await bed.BackupAsync();
        var offsite = ArchiveUploadTests.OffsiteOf(server);
        offsite.AccessKeyId = null;
        var events = new RecordedEvents();

        var uploaded = await new OffsiteUploads(bed.Home, new BackupOptions { Directory = bed.BackupDirectory }, offsite, events, TimeProvider.System)
            .UploadPendingAsync(CancellationToken.None);

        Assert.False(uploaded);
        var failure = Assert.Single(events.Events);
        Assert.Equal(RecoveryEventKind.Detected, failure.Kind);
        Assert.Contains("Offsite:AccessKeyId is not set", failure.Seen, StringComparison.Ordinal);
    }
}

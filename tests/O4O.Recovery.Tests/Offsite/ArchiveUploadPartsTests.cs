using System.Diagnostics;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;
using static O4O.Recovery.Tests.Offsite.ArchiveUploadTests;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>The parts of an upload: sent several at a time, each checked by the MD5 taken while the archive was sealed.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ArchiveUploadPartsTests(ManagedPostgresFixture postgres, S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task Several_parts_are_sent_at_once_and_no_more_than_the_bound_while_the_first_is_being_recorded()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await bed.BackupAsync();
        var offsite = OffsiteOf(server);
        var name = Path.GetFileName(archive.ArchivePath);
        var copies = new OffsiteCopies(bed.Home.StateDatabase);
        using var bucket = OffsiteBucket.Open(bed.Home, offsite);
        IReadOnlyList<int>? received = null;
        var expected = 0;

        var copy = await Upload(bed, bucket, offsite, async _ =>
        {
            if (received is null)
            {
                var started = copies.Find(name)!;
                expected = (int)Math.Min(ArchiveUpload.DefaultConcurrency, (started.Size + started.PartSize - 1) / started.PartSize);
                received = await ReceivedAsync(started.UploadId, expected);
            }
        }).UploadAsync(archive.ArchivePath, CancellationToken.None);

        Assert.True(expected > 1, $"{expected} part(s)");
        Assert.InRange(received!.Count, expected, ArchiveUpload.DefaultConcurrency);
        Assert.True(copy.Complete);
        await AssertHoldsAsync(bed, bucket, copy, archive.ArchivePath);
    }

    [Fact]
    public async Task A_sealed_byte_changed_on_disk_before_its_part_leaves_fails_that_part_and_the_next_run_seals_again()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await bed.BackupAsync();
        var offsite = OffsiteOf(server);
        var name = Path.GetFileName(archive.ArchivePath);
        var copies = new OffsiteCopies(bed.Home.StateDatabase);
        var staged = Path.Combine(ArchiveUpload.StagingDirectory(bed.Home), name + OffsiteBucket.SealedSuffix);
        using (var bucket = OffsiteBucket.Open(bed.Home, offsite))
        {
            // One part at a time, so that part 3 is read from the disk only after the byte changed there.
            var changing = Upload(bed, bucket, offsite, part => FlipOnce(part, staged, offset: (2 * PartSize) + 10), concurrency: 1);
            var refused = await Assert.ThrowsAsync<OffsiteException>(() => changing.UploadAsync(archive.ArchivePath, CancellationToken.None));
            Assert.Contains("part 3 ", refused.Message, StringComparison.Ordinal);
        }

        var interrupted = copies.Find(name)!;
        Assert.False(interrupted.Complete);
        Assert.DoesNotContain(interrupted.ObjectKey, server.ObjectKeys());
        Assert.Equal([name], OffsiteLag.Pending(bed.BackupDirectory, copies));

        using var again = OffsiteBucket.Open(bed.Home, offsite);
        var copy = await Upload(bed, again, offsite, _ => { }).UploadAsync(archive.ArchivePath, CancellationToken.None);

        Assert.NotEqual(interrupted.UploadId, copy.UploadId);
        await AssertHoldsAsync(bed, again, copy, archive.ArchivePath);
    }

    // The parts the server holds once it holds `expected` of them, or after 30 s: a one-at-a-time uploader never gets there.
    private async Task<IReadOnlyList<int>> ReceivedAsync(string uploadId, int expected)
    {
        var waited = Stopwatch.StartNew();
        while (server.PartsReceived(uploadId).Count < expected && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        return server.PartsReceived(uploadId);
    }

    private static Task FlipOnce(int part, string staged, long offset)
    {
        if (part == 1)
        {
            using var file = new FileStream(staged, FileMode.Open, FileAccess.ReadWrite);
            file.Position = offset;
            var original = file.ReadByte();
            file.Position = offset;
            file.WriteByte((byte)(original ^ 0xFF));
        }

        return Task.CompletedTask;
    }
}

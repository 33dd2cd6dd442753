using System.Security.Cryptography;
using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

[Collection(PostgresCollection.Name)]
public sealed class ArchiveUploadTests(ManagedPostgresFixture postgres, S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    // Small parts so that a test archive makes many, more than are sent at once (s3rver takes parts under S3's 5 MiB minimum).
    internal const long PartSize = 1024;

    [Fact]
    public async Task An_archive_goes_off_site_sealed_in_parts_each_checked_by_its_MD5_and_its_SHA256_recorded()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await bed.BackupAsync();
        var offsite = OffsiteOf(server);
        var parts = new List<int>();
        using var bucket = OffsiteBucket.Open(bed.Home, offsite);
        var copies = new OffsiteCopies(bed.Home.StateDatabase);

        var copy = await Upload(bed, bucket, offsite, part => parts.Add(part)).UploadAsync(archive.ArchivePath, CancellationToken.None);

        Assert.True(copy.Complete);
        Assert.True(parts.Count > 1, $"{parts.Count} part(s)");
        // Sent several at a time, each part once.
        Assert.Equal(Enumerable.Range(1, parts.Count), parts.Order());
        Assert.Contains(copy.ObjectKey, server.ObjectKeys());
        Assert.Equal($"{offsite.Prefix}/archives/{Path.GetFileName(archive.ArchivePath)}.sealed", copy.ObjectKey);
        await AssertHoldsAsync(bed, bucket, copy, archive.ArchivePath);
        Assert.Equal(copy, copies.Find(copy.Name));
        Assert.Empty(copies.Parts(copy.Name));
        Assert.Empty(Directory.EnumerateFileSystemEntries(ArchiveUpload.StagingDirectory(bed.Home)));
        Assert.Empty(OffsiteLag.Pending(bed.BackupDirectory, copies));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(ArchiveUpload.DefaultConcurrency)]
    public async Task An_upload_cut_by_the_server_stopping_resumes_with_the_parts_not_recorded_and_is_never_listed_half_written(int concurrency)
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await bed.BackupAsync();
        var offsite = OffsiteOf(server);
        var name = Path.GetFileName(archive.ArchivePath);
        var copies = new OffsiteCopies(bed.Home.StateDatabase);
        try
        {
            using (var bucket = OffsiteBucket.Open(bed.Home, offsite))
            {
                // The server goes once two parts are recorded; several at a time, others are still on their way then.
                var cut = Upload(bed, bucket, offsite, _ => copies.Parts(name).Count == 2 ? server.StopAsync() : Task.CompletedTask, concurrency);
                await Assert.ThrowsAnyAsync<Exception>(() => cut.UploadAsync(archive.ArchivePath, CancellationToken.None));
            }

            var interrupted = copies.Find(name)!;
            var recorded = copies.Parts(name).Keys.Order().ToList();
            var count = (int)((interrupted.Size + interrupted.PartSize - 1) / interrupted.PartSize);
            Assert.False(interrupted.Complete);
            Assert.InRange(recorded.Count, 2, count - 1);
            if (concurrency == 1)
            {
                Assert.Equal([1, 2], recorded);
            }

            Assert.Equal([name], OffsiteLag.Pending(bed.BackupDirectory, copies));
            await server.StartAsync();
            Assert.DoesNotContain(interrupted.ObjectKey, server.ObjectKeys());

            var resumed = new List<int>();
            using var again = OffsiteBucket.Open(bed.Home, offsite);
            var copy = await Upload(bed, again, offsite, part => resumed.Add(part), concurrency).UploadAsync(archive.ArchivePath, CancellationToken.None);

            Assert.Equal(interrupted.UploadId, copy.UploadId);
            Assert.Equal(Enumerable.Range(1, count).Except(recorded), resumed.Order());
            Assert.True(copy.Complete);
            await AssertHoldsAsync(bed, again, copy, archive.ArchivePath);
            Assert.Empty(OffsiteLag.Pending(bed.BackupDirectory, copies));
        }
        finally
        {
            await server.StartAsync();
        }
    }

    internal static ArchiveUpload Upload(BackupTestBed bed, OffsiteBucket bucket, OffsiteOptions offsite, Action<int> partUploaded,
        int concurrency = ArchiveUpload.DefaultConcurrency) =>
        Upload(bed, bucket, offsite, part =>
        {
            partUploaded(part);
            return Task.CompletedTask;
        }, concurrency);

    internal static ArchiveUpload Upload(BackupTestBed bed, OffsiteBucket bucket, OffsiteOptions offsite, Func<int, Task> partUploaded,
        int concurrency = ArchiveUpload.DefaultConcurrency) =>
        new(bed.Home, bucket, new OffsiteCopies(bed.Home.StateDatabase), offsite, TimeProvider.System)
        {
            PartSize = PartSize,
            PartUploaded = partUploaded,
            Concurrency = concurrency,
        };

    // The copy in the bucket has the recorded size and SHA-256 and opens, with the home's key, to the archive.
    internal static async Task AssertHoldsAsync(BackupTestBed bed, OffsiteBucket bucket, OffsiteCopy copy, string archive)
    {
        var sealedBytes = await DownloadAsync(bucket, copy.ObjectKey);
        Assert.Equal(copy.Size, sealedBytes.Length);
        Assert.Equal(copy.Sha256, Convert.ToHexStringLower(SHA256.HashData(sealedBytes)));
        var opened = new MemoryStream();
        await ArchiveCipher.DecryptAsync(new MemoryStream(sealedBytes), opened, ArchiveKeyStore.Load(bed.Home)!, CancellationToken.None);
        Assert.Equal(await File.ReadAllBytesAsync(archive), opened.ToArray());
    }

    internal static async Task<byte[]> DownloadAsync(OffsiteBucket bucket, string key)
    {
        using var response = await bucket.Client.GetObjectAsync(bucket.Name, key);
        var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    // Each test its own prefix in the one bucket.
    internal static OffsiteOptions OffsiteOf(S3ServerFixture server) => server.Options($"o4o-{Guid.NewGuid():N}");
}

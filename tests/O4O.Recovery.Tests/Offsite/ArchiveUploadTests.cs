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
    // Small parts so that a test archive makes several (s3rver takes parts under S3's 5 MiB minimum).
    private const long PartSize = 4 * 1024;

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
        Assert.Equal(Enumerable.Range(1, parts.Count), parts);
        Assert.Contains(copy.ObjectKey, server.ObjectKeys());
        Assert.Equal($"{offsite.Prefix}/archives/{Path.GetFileName(archive.ArchivePath)}.sealed", copy.ObjectKey);
        var sealedBytes = await DownloadAsync(bucket, copy.ObjectKey);
        Assert.Equal(copy.Size, sealedBytes.Length);
        Assert.Equal(copy.Sha256, Convert.ToHexStringLower(SHA256.HashData(sealedBytes)));
        var opened = new MemoryStream();
        await ArchiveCipher.DecryptAsync(new MemoryStream(sealedBytes), opened, ArchiveKeyStore.Load(bed.Home)!, CancellationToken.None);
        Assert.Equal(await File.ReadAllBytesAsync(archive.ArchivePath), opened.ToArray());
        Assert.Equal(copy, copies.Find(copy.Name));
        Assert.Empty(copies.Parts(copy.Name));
        Assert.Empty(Directory.EnumerateFileSystemEntries(ArchiveUpload.StagingDirectory(bed.Home)));
        Assert.Empty(OffsiteLag.Pending(bed.BackupDirectory, copies));
    }

    [Fact]
    public async Task An_upload_cut_by_the_server_stopping_resumes_from_its_acknowledged_parts_and_is_never_listed_half_written()
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
                var cut = Upload(bed, bucket, offsite, part => part == 2 ? server.StopAsync() : Task.CompletedTask);
                await Assert.ThrowsAnyAsync<Exception>(() => cut.UploadAsync(archive.ArchivePath, CancellationToken.None));
            }

            var interrupted = copies.Find(name)!;
            Assert.False(interrupted.Complete);
            Assert.Equal([1, 2], copies.Parts(name).Keys.Order());
            Assert.Equal([name], OffsiteLag.Pending(bed.BackupDirectory, copies));
            await server.StartAsync();
            Assert.DoesNotContain(interrupted.ObjectKey, server.ObjectKeys());

            var resumed = new List<int>();
            using var again = OffsiteBucket.Open(bed.Home, offsite);
            var copy = await Upload(bed, again, offsite, part => resumed.Add(part)).UploadAsync(archive.ArchivePath, CancellationToken.None);

            Assert.Equal(interrupted.UploadId, copy.UploadId);
            Assert.NotEmpty(resumed);
            Assert.Equal(3, resumed[0]);
            Assert.True(copy.Complete);
            var sealedBytes = await DownloadAsync(again, copy.ObjectKey);
            Assert.Equal(copy.Sha256, Convert.ToHexStringLower(SHA256.HashData(sealedBytes)));
            var opened = new MemoryStream();
            await ArchiveCipher.DecryptAsync(new MemoryStream(sealedBytes), opened, ArchiveKeyStore.Load(bed.Home)!, CancellationToken.None);
            Assert.Equal(await File.ReadAllBytesAsync(archive.ArchivePath), opened.ToArray());
            Assert.Empty(OffsiteLag.Pending(bed.BackupDirectory, copies));
        }
        finally
        {
            await server.StartAsync();
        }
    }

    internal static ArchiveUpload Upload(BackupTestBed bed, OffsiteBucket bucket, OffsiteOptions offsite, Action<int> partUploaded) =>
        Upload(bed, bucket, offsite, part =>
        {
            partUploaded(part);
            return Task.CompletedTask;
        });

    internal static ArchiveUpload Upload(BackupTestBed bed, OffsiteBucket bucket, OffsiteOptions offsite, Func<int, Task> partUploaded) =>
        new(bed.Home, bucket, new OffsiteCopies(bed.Home.StateDatabase), offsite, TimeProvider.System) { PartSize = PartSize, PartUploaded = partUploaded };

    internal static async Task<byte[]> DownloadAsync(OffsiteBucket bucket, string key)
    {
        using var response = await bucket.Client.GetObjectAsync(bucket.Name, key);
        var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    // Each test its own prefix in the one bucket.
    internal static OffsiteOptions OffsiteOf(S3ServerFixture server) => new()
    {
        Prefix = $"o4o-{Guid.NewGuid():N}",
        Endpoint = server.Endpoint,
        Bucket = server.Bucket,
        AccessKeyId = server.AccessKeyId,
        SecretAccessKey = server.SecretAccessKey,
        CaFile = server.CaFile,
    };
}

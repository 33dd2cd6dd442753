using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3.Model;
using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.Control;
using O4O.Recovery.Dashboard;
using O4O.Recovery.Offsite;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>
/// S3 Object Lock as o4o reads it and as its uploads ask for it, against the test's real s3rver, the requests seen as the
/// SDK sends them (its own request event, after marshalling). s3rver implements no Object Lock: whether a locked copy
/// really cannot be deleted before its date is the server's part and is not tested here.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ObjectLockTests(ManagedPostgresFixture postgres, S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task A_server_without_Object_Lock_is_read_as_not_supporting_it_and_an_upload_to_it_asks_for_no_retention()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await bed.BackupAsync();
        var offsite = ArchiveUploadTests.OffsiteOf(server);
        using var bucket = OffsiteBucket.Open(bed.Home, offsite);
        var sent = Watch(bucket);

        var state = await ObjectLock.ReadAsync(bucket, CancellationToken.None);
        var copy = await ArchiveUploadTests.Upload(bed, bucket, offsite, _ => { }).UploadAsync(archive.ArchivePath, CancellationToken.None);

        Assert.Equal(ObjectLockState.NotSupported, state);
        Assert.Null(copy.LockUntil);
        var initiate = Assert.Single(sent, request => request.Request is InitiateMultipartUploadRequest);
        Assert.DoesNotContain(initiate.Headers.Keys, header => header.StartsWith("x-amz-object-lock", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Under_Object_Lock_an_upload_is_sent_in_compliance_mode_until_LockDays_from_now()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var offsite = ArchiveUploadTests.OffsiteOf(server);
        offsite.LockDays = 45;
        using var bucket = OffsiteBucket.Open(bed.Home, offsite);
        var sent = Watch(bucket);
        var now = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 14, 3, 0, TimeSpan.Zero));
        var request = new InitiateMultipartUploadRequest { BucketName = bucket.Name, Key = bucket.ArchiveKey("o4o_backup_20261206_140300.tar.gz") };

        var until = ObjectLock.Retain(request, ObjectLockState.Enabled, offsite, now);
        // s3rver accepts the upload and ignores what it does not implement; what matters is what was asked for.
        await bucket.Client.InitiateMultipartUploadAsync(request);

        Assert.Equal(new DateTimeOffset(2027, 1, 20, 14, 3, 0, TimeSpan.Zero), until);
        var headers = Assert.Single(sent, sentRequest => sentRequest.Request is InitiateMultipartUploadRequest).Headers;
        Assert.Equal("COMPLIANCE", headers["x-amz-object-lock-mode"]);
        Assert.Equal("2027-01-20T14:03:00Z", headers["x-amz-object-lock-retain-until-date"]);
        Assert.Null(ObjectLock.Retain(new InitiateMultipartUploadRequest(), ObjectLockState.NotConfigured, offsite, now));
    }

    [Fact]
    public async Task The_dashboard_shows_a_bucket_without_Object_Lock_as_not_immutable_and_asks_again_only_after_five_minutes()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var locks = new DashboardOffsiteLock(bed.Home, ArchiveUploadTests.OffsiteOf(server), clock);

        var first = await locks.ReadAsync(CancellationToken.None);
        await server.StopAsync();
        try
        {
            var cached = await locks.ReadAsync(CancellationToken.None);
            clock.Advance(TimeSpan.FromMinutes(5));
            var unanswered = await locks.ReadAsync(CancellationToken.None);

            // The page's script words the state by its name: lockNotSupported.
            Assert.Contains("\"state\":\"NotSupported\"", JsonSerializer.Serialize(first, ControlJson.Options), StringComparison.Ordinal);
            Assert.Equal(first, cached);
            Assert.Null(unanswered!.State);
            Assert.StartsWith($"the Object Lock configuration of s3://{server.Bucket} cannot be read: ", unanswered.Unknown, StringComparison.Ordinal);
        }
        finally
        {
            await server.StartAsync();
        }
    }

    /// <summary>Every request the client sends from now on, with the headers it carries on the wire.</summary>
    private static ConcurrentBag<(AmazonWebServiceRequest Request, IDictionary<string, string> Headers)> Watch(OffsiteBucket bucket)
    {
        var sent = new ConcurrentBag<(AmazonWebServiceRequest, IDictionary<string, string>)>();
        bucket.Client.BeforeRequestEvent += (_, arguments) =>
        {
            if (arguments is WebServiceRequestEventArgs request)
            {
                sent.Add((request.Request, new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase)));
            }
        };
        return sent;
    }
}

using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;
using O4O.Recovery.Tests.Backups;
using O4O.Recovery.Tests.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>
/// An off-site endpoint that takes connections and never answers (a hung server, a middlebox swallowing the traffic) does
/// not hold the uploads: the conductor's round fails within seconds, a request already under way fails after
/// <c>Offsite:Timeout</c>, each in one line; the local archive stands and is listed as not off-site yet.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SilentEndpointUploadTests(ManagedPostgresFixture postgres) : IDisposable
{
    // Far longer than any bound below, far shorter than what a silent endpoint held the uploads before (2 min an attempt).
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(60);
    private readonly SilentEndpoint _silent = new();

    [Fact]
    public async Task The_conductors_round_against_an_endpoint_that_never_answers_fails_within_seconds_and_the_archive_is_listed_as_local_and_lagging()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var name = Path.GetFileName((await bed.BackupAsync()).ArchivePath);
        var events = new RecordedEvents();
        var uploads = new OffsiteUploads(bed.Home, new BackupOptions { Directory = bed.BackupDirectory }, Silent(), events, TimeProvider.System);
        var watch = Stopwatch.StartNew();

        var round = uploads.UploadPendingAsync(CancellationToken.None);

        Assert.Same(round, await Task.WhenAny(round, Task.Delay(_patience)));
        Assert.False(await round);
        Assert.True(watch.Elapsed < OffsiteEndpoint.Timeout * 3, $"failed after {watch.Elapsed}");
        var failure = Assert.Single(events.Events);
        Assert.Equal((RecoveryEventKind.Detected, OffsiteUploads.Component), (failure.Kind, failure.Component));
        Assert.Equal($"the off-site upload of {name} failed: the off-site endpoint localhost:{_silent.Port} cannot be reached: "
            + "it took the connection but completed no TLS handshake within 5 s", failure.Seen);
        Assert.True(File.Exists(Path.Combine(bed.BackupDirectory, name)));
        var listing = OffsiteListing.Of(bed.BackupDirectory, new OffsiteCopies(bed.Home.StateDatabase), DateTimeOffset.UtcNow);
        Assert.Equal(ArchiveLocation.Local, Assert.Single(listing.Archives).Location);
        Assert.Equal((1, name), (listing.Lag.Pending, listing.Lag.OldestPending));
    }

    [Fact]
    public async Task An_upload_whose_endpoint_stops_answering_fails_after_the_configured_timeout_in_one_line()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await bed.BackupAsync();
        var offsite = Silent();
        offsite.Timeout = TimeSpan.FromSeconds(2);
        using var bucket = OffsiteBucket.Open(bed.Home, offsite);
        var watch = Stopwatch.StartNew();

        // The upload itself does not ask whether the endpoint answers first: as when it stops answering mid-upload.
        var upload = new ArchiveUpload(bed.Home, bucket, new OffsiteCopies(bed.Home.StateDatabase), offsite, TimeProvider.System)
            .UploadAsync(archive.ArchivePath, CancellationToken.None);

        Assert.Same(upload, await Task.WhenAny(upload, Task.Delay(_patience)));
        var failure = await Assert.ThrowsAsync<OffsiteException>(() => upload);
        // Three attempts of 2 s and the SDK's back-off between them.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"failed after {watch.Elapsed}");
        Assert.True(_silent.Connections >= 1);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.StartsWith($"localhost:{_silent.Port} did not answer within Offsite:Timeout (2 s), three times; ", failure.Message, StringComparison.Ordinal);
        Assert.Null(new OffsiteCopies(bed.Home.StateDatabase).Find(Path.GetFileName(archive.ArchivePath)));
    }

    public void Dispose() => _silent.Dispose();

    private OffsiteOptions Silent() => new()
    {
        Endpoint = _silent.Endpoint,
        Bucket = "o4o",
        Prefix = $"o4o-{Guid.NewGuid():N}",
        AccessKeyId = "S3RVER",
        SecretAccessKey = "S3RVER",
    };
}

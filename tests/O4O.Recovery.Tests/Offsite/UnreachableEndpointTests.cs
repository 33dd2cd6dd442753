using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>
/// pgBackRest retries a host that does not answer until its io-timeout (a minute) runs out, for each file it reads: against
/// an off-site endpoint nothing listens on, an info took four minutes and a backup longer. Its commands on the off-site
/// repository fail within seconds instead, with one line that names the endpoint.
/// </summary>
public sealed class UnreachableEndpointTests : IAsyncLifetime
{
    private static readonly TimeSpan _fast = TimeSpan.FromSeconds(30);
    private readonly int _closedPort = FreePort.Next();
    private ArchivingClusterFixture _archiving = null!;

    public async Task InitializeAsync()
    {
        _archiving = new ArchivingClusterFixture
        {
            Offsite = new OffsiteOptions
            {
                Endpoint = $"https://localhost:{_closedPort}",
                Bucket = "o4o",
                Prefix = "shop",
                AccessKeyId = "S3RVER",
                SecretAccessKey = "S3RVER",
            },
        };
        await _archiving.InitializeAsync();
    }

    [Fact]
    public async Task An_off_site_physical_backup_to_an_endpoint_nothing_listens_on_fails_within_seconds_naming_it()
    {
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<PgBackRestException>(() =>
            new PhysicalBackup(_archiving.PgBackRest, TimeProvider.System).TakeAsync("full", PgBackRestOffsite.Remote, progress: null, CancellationToken.None));

        Assert.True(watch.Elapsed < _fast, $"failed after {watch.Elapsed}");
        Assert.StartsWith($"pgbackrest info failed: the off-site endpoint localhost:{_closedPort} cannot be reached: ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public async Task Reading_the_off_site_repository_of_an_endpoint_nothing_listens_on_fails_within_seconds_instead_of_listing_no_sets()
    {
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<PgBackRestException>(() => _archiving.PgBackRest.InfoAsync(PgBackRestOffsite.Remote, CancellationToken.None));

        Assert.True(watch.Elapsed < _fast, $"failed after {watch.Elapsed}");
        Assert.Contains($"localhost:{_closedPort} cannot be reached", failure.Message, StringComparison.Ordinal);
    }

    public Task DisposeAsync() => _archiving.DisposeAsync();
}

using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Tests.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>
/// pgBackRest waits out its io-timeout (a minute) on each file of an endpoint that takes connections and never answers:
/// the off-site WAL shipping held each round that long. Its commands on the off-site repository fail within seconds
/// instead, in one line naming the endpoint, and the cluster's WAL reaches the local repository at once meanwhile.
/// </summary>
public sealed class SilentEndpointRepositoryTests : IAsyncLifetime
{
    private static readonly TimeSpan _fast = TimeSpan.FromSeconds(30);
    private readonly SilentEndpoint _silent = new();
    private ArchivingClusterFixture _archiving = null!;

    public async Task InitializeAsync()
    {
        _archiving = new ArchivingClusterFixture
        {
            Offsite = new OffsiteOptions
            {
                Endpoint = _silent.Endpoint,
                Bucket = "o4o",
                Prefix = "shop",
                AccessKeyId = "S3RVER",
                SecretAccessKey = "S3RVER",
            },
        };
        await _archiving.InitializeAsync();
    }

    [Fact]
    public async Task Reading_the_off_site_repository_of_an_endpoint_that_never_answers_fails_within_seconds_naming_it()
    {
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<PgBackRestException>(() => _archiving.PgBackRest.InfoAsync(PgBackRestOffsite.Remote, CancellationToken.None));

        Assert.True(watch.Elapsed < _fast, $"failed after {watch.Elapsed}");
        Assert.Equal($"pgbackrest info failed: the off-site endpoint localhost:{_silent.Port} cannot be reached: "
            + "it took the connection but completed no TLS handshake within 5 s", failure.Message);
    }

    [Fact]
    public async Task While_the_off_site_endpoint_never_answers_WAL_reaches_the_local_repository_at_once_and_shipping_fails_within_seconds()
    {
        using var shipping = new OffsiteWalShipping(_archiving.PgBackRest, new RecordedEvents(), TimeProvider.System);
        var watch = Stopwatch.StartNew();
        var shipped = shipping.ShipAsync(CancellationToken.None);
        await _archiving.ScalarAsync("CREATE TABLE orders AS SELECT n FROM generate_series(1, 1000) n");
        var segment = (string)(await _archiving.ScalarAsync("SELECT pg_walfile_name(pg_switch_wal())"))!;

        var status = await ArchiverStatus.ReadAsync(_archiving.Cluster.ConnectionString(), CancellationToken.None);
        while (string.CompareOrdinal(status.LastArchivedWal ?? "", segment) < 0 && watch.Elapsed < _fast)
        {
            await Task.Delay(100);
            status = await ArchiverStatus.ReadAsync(_archiving.Cluster.ConnectionString(), CancellationToken.None);
        }

        Assert.True(string.CompareOrdinal(status.LastArchivedWal ?? "", segment) >= 0 && status.FailedCount == 0, $"{segment} switched; {status}");
        Assert.True(string.CompareOrdinal((await _archiving.PgBackRest.InfoAsync(CancellationToken.None)).NewestWal, segment) >= 0);
        Assert.Same(shipped, await Task.WhenAny(shipped, Task.Delay(_fast)));
        Assert.False(await shipped);
        Assert.Contains($"localhost:{_silent.Port} cannot be reached", OffsiteWalState.Read(_archiving.PgBackRest.Layout)!.Error, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _archiving.DisposeAsync();
        _silent.Dispose();
    }
}

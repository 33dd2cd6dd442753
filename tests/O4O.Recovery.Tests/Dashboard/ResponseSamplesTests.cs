using O4O.Recovery.Dashboard;

namespace O4O.Recovery.Tests.Dashboard;

public sealed class ResponseSamplesTests
{
    [Fact]
    public void A_full_ring_drops_its_oldest_sample_so_memory_stays_flat()
    {
        var samples = new ResponseSamples(capacity: 3);
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < 5; i++)
        {
            samples.Add("api", new ResponseSample(start.AddSeconds(i), i, null));
        }

        samples.Add("database", new ResponseSample(start, null, "connection refused"));

        Assert.Equal([2d, 3d, 4d], samples.All()["api"].Select(sample => sample.Milliseconds!.Value));
        Assert.Equal(4d, samples.Latest("api")!.Milliseconds);
        Assert.Equal("connection refused", samples.Latest("database")!.Error);
        Assert.Null(samples.Latest("admin"));
    }
}

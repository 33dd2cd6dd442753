using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.Monitoring;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The watch window after a switch: the release's process exiting, its <c>/metrics</c> not answering three times in a
/// row, or its 5xx rate (its own counts, as Prometheus reads them: <see cref="PlatformRequestCounts"/>) above the threshold
/// over a sliding window. Returns why the release must go, or null when the window passed.
/// </summary>
internal sealed class ReleaseWatch(ReleaseWatchOptions options, TimeProvider time)
{
    private const int MetricsFailures = 3;

    /// <summary>Watches until the window closes; <paramref name="progress"/> gets the requests and 5xx answered since it opened.</summary>
    public async Task<string?> WatchAsync(PlatformChild platform, Action<double, double> progress, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var end = time.GetUtcNow() + options.WatchWindow;
        var exited = platform.Exited;
        var address = platform.ServingAddress;
        var samples = new Queue<(DateTimeOffset At, double Requests, double Errors)>();
        var failures = 0;
        (double Requests, double Errors)? first = null;
        while (time.GetUtcNow() < end)
        {
            if (await Task.WhenAny(exited, Task.Delay(options.SampleInterval, time, cancellationToken)) == exited)
            {
                return $"its platform {ExitStatus.Describe(await exited)}";
            }

            cancellationToken.ThrowIfCancellationRequested();
            PlatformRequestCounts counts;
            try
            {
                counts = await PlatformRequestCounts.ReadAsync(client, address, cancellationToken);
                failures = 0;
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (++failures >= MetricsFailures)
                {
                    return $"its /metrics did not answer {MetricsFailures} times in a row: {exception.Message}";
                }

                continue;
            }

            var now = time.GetUtcNow();
            first ??= (counts.TotalRequests, counts.TotalServerErrors);
            progress(counts.TotalRequests - first.Value.Requests, counts.TotalServerErrors - first.Value.Errors);
            samples.Enqueue((now, counts.TotalRequests, counts.TotalServerErrors));
            while (samples.Peek().At < now - options.RateWindow)
            {
                samples.Dequeue();
            }

            var (_, firstRequests, firstErrors) = samples.Peek();
            var requests = counts.TotalRequests - firstRequests;
            var errors = counts.TotalServerErrors - firstErrors;
            if (requests >= options.MinimumRequests && errors / requests > options.ErrorRate)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"{errors:0} of {requests:0} requests answered 5xx in {options.RateWindow.TotalSeconds:0} s ({errors / requests:P0}, above {options.ErrorRate:P0})");
            }
        }

        return null;
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Notifications;

/// <summary>
/// The dead man's switch: calls <see cref="HeartbeatOptions.Url"/> every <see cref="HeartbeatOptions.Interval"/> while
/// the conductor lives, so that an outside monitor notices when the whole host is gone. A failed call is logged
/// and the beat goes on; nothing here can stop the conductor.
/// </summary>
internal sealed class Heartbeat(HeartbeatOptions options, HttpClient client, TimeProvider time, ILogger<Heartbeat>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<Heartbeat>.Instance;

    /// <summary>When the monitor last answered with success, or null.</summary>
    public DateTimeOffset? LastSuccessAt { get; private set; }

    /// <summary>Why the last call failed, or null when it succeeded.</summary>
    public string? LastError { get; private set; }

    /// <summary>Beats until cancelled; returns at once when no URL is configured.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.Url is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Interval, time);
        do
        {
            await BeatAsync(options.Url, cancellationToken);
        }
        while (await timer.NextTickAsync(cancellationToken));
    }

    private async Task BeatAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            using var response = await client.GetAsync(url, timeout.Token);
            response.EnsureSuccessStatusCode();
            LastSuccessAt = time.GetUtcNow();
            LastError = null;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LastError = exception.Message;
            _logger.LogWarning("Heartbeat to {Host} failed: {Error}", url.Host, exception.Message);
        }
    }
}

using Npgsql;
using O4O.Recovery.Postgres;

namespace O4O.Platform.Http;

/// <summary>
/// Marks an endpoint whose POST may be run again when its request carries an <c>Idempotency-Key</c>: the key makes the
/// second run find the first one's result instead of doing the work twice (the order placement).
/// </summary>
internal sealed class RetriedWithIdempotencyKey;

/// <summary>
/// Runs a request again while the database is between leaders, on a replicated cluster (a multi-host connection string):
/// Npgsql finds the new leader by itself (<c>Target Session Attributes=read-write</c>), so the request in flight during a
/// failover is answered once the standby leads instead of failing with 503. Only what is safe to run twice: reads, and
/// an order POST with its Idempotency-Key. Against a single server a wait would only delay the 503.
/// </summary>
internal sealed class FailoverRetry(RequestDelegate next, NpgsqlDataSource dataSource, TimeProvider time, ILogger<FailoverRetry> logger)
{
    /// <summary>How long a request waits for a new leader: Patroni replaces a dead one within about ttl + loop_wait (12 s by default).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan _pause = TimeSpan.FromMilliseconds(250);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var withKey = HttpMethods.IsPost(request.Method) && request.Headers.ContainsKey("Idempotency-Key")
            && context.GetEndpoint()?.Metadata.GetMetadata<RetriedWithIdempotencyKey>() is not null;
        if (dataSource is not NpgsqlMultiHostDataSource members || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || withKey))
        {
            await next(context);
            return;
        }

        if (withKey)
        {
            request.EnableBuffering();
        }

        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await next(context);
                return;
            }
            catch (Exception exception) when (DatabaseFailure.IsUnavailable(exception) && !context.Response.HasStarted
                && !context.RequestAborted.IsCancellationRequested && time.GetElapsedTime(started) < Patience)
            {
                // The pooled connections went to the old leader: the next attempt must open new ones. And Npgsql
                // remembers each member's role for Host Recheck Seconds (10 s): without forgetting them, the standby
                // it saw a moment ago stays "not suitable" for 10 s after its promotion.
                dataSource.Clear();
                members.ClearDatabaseStates();
                logger.LogWarning("Database unavailable during {Method} {Path} (attempt {Attempt}): {Reason}; trying again for the new leader",
                    request.Method, request.Path, attempt, exception.Message);
                context.Response.Clear();
                await Task.Delay(_pause, time, context.RequestAborted);
                if (withKey)
                {
                    request.Body.Position = 0;
                }
            }
        }
    }
}

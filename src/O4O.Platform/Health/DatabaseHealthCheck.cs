using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using O4O.Recovery.Postgres;

namespace O4O.Platform.Health;

/// <summary>A <c>SELECT 1</c> round trip, as the runbook's connection test does it.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            try
            {
                await SelectOneAsync(timeout.Token);
            }
            catch (Exception first) when (DatabaseFailure.IsUnavailable(first))
            {
                // Pooled connections may have been ended under us (a restore's swap, a restart): the database is
                // down only if a fresh connection cannot answer either. If the retry runs out of time, the first
                // error is the one that says why.
                dataSource.Clear();
                try
                {
                    await SelectOneAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
                }
            }

            var roundTrip = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2);
            return HealthCheckResult.Healthy("SELECT 1 answered", new Dictionary<string, object> { ["roundTripMs"] = roundTrip });
        }
        catch (Exception exception) when (DatabaseFailure.IsUnavailable(exception) || exception is OperationCanceledException)
        {
            dataSource.Clear();
            return HealthCheckResult.Unhealthy($"The database did not answer: {exception.Message}");
        }
    }

    private async Task SelectOneAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }
}

using System.Diagnostics;
using Npgsql;

namespace O4O.Recovery.Health;

/// <summary>
/// Probes a PostgreSQL server the way a client uses it: a fresh connection and one query, which also asks whether the
/// database can take writes (<see cref="DatabaseCondition"/>).
/// </summary>
internal static class DatabaseProbe
{
    /// <summary>Connects to <paramref name="connectionString"/> and runs the probe's query within <paramref name="timeout"/>.</summary>
    public static async Task<ProbeResult> ProbeAsync(string connectionString, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        // Unpooled: a pooled connection would hide a server that died since the last probe.
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            Timeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)),
            CommandTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)),
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(deadline.Token);
            await using var command = new NpgsqlCommand(DatabaseCondition.Query, connection);
            await using var reader = await command.ExecuteReaderAsync(deadline.Token);
            await reader.ReadAsync(deadline.Token);
            return DatabaseCondition.CannotWrite(reader.GetBoolean(0), reader.GetBoolean(1), builder.Database!) is { } cannotWrite
                ? new ProbeResult(false, clock.Elapsed, cannotWrite) { ServerAnswered = true }
                : new ProbeResult(true, clock.Elapsed, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(false, clock.Elapsed, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (NpgsqlException exception) when (DatabaseCondition.Refused(exception, builder.Database!) is { } refused)
        {
            return new ProbeResult(false, clock.Elapsed, refused) { ServerAnswered = true };
        }
        catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return ProbeResult.Failed(clock.Elapsed, exception);
        }
    }
}

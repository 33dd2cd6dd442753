using System.Net.Http.Json;
using O4O.Recovery.PointInTime;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// No acknowledged order is lost: customers keep ordering while a platform table is dropped, truncated or emptied, and
/// <c>o4o recover --yes</c> restores the database to just before the damaging transaction (found in the archived WAL)
/// and carries over what was written after it. Every order acknowledged before the damage is there once; so is every
/// order acknowledged after the recovery; AutoRecovery does the same on its own.
/// </summary>
public sealed class PointInTimeRecoverTests
{
    [Theory]
    [InlineData("DROP TABLE orders CASCADE", "dropped public.orders")]
    [InlineData("DELETE FROM orders", "deleted")]
    [InlineData("TRUNCATE orders CASCADE", "truncated public.")]
    public async Task Recover_with_yes_loses_no_acknowledged_order_when_orders_are_damaged_under_load(string damage, string found)
    {
        await using var up = await SupervisedUp.StartAsync();
        await DamageUnderLoadAsync(up, damage, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var recover = await up.CliAsync("recover", "--yes");
            // Before waiting for the customers: a customer retries an order until it is answered, which without orders is never.
            Assert.True(recover.ExitCode == 0, recover.StandardOutput + recover.StandardError);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(recover.StandardOutput, @"3\. restore +DONE .*just before transaction [0-9]+"),
                recover.StandardOutput + recover.StandardError + string.Join('\n', await up.EventsAsync("database")));
            Assert.Contains(found, recover.StandardError, StringComparison.Ordinal);
            return recover.StandardOutput + recover.StandardError;
        });
    }

    [Fact]
    public async Task AutoRecovery_restores_a_truncated_table_to_just_before_the_truncate_on_its_own_and_loses_no_acknowledged_order()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__AutoRecovery__RestoreOnCorruption"] = "true" });
        await DamageUnderLoadAsync(up, "TRUNCATE orders CASCADE", async () =>
        {
            var events = await up.WaitForEventsAsync("database", e => e.Any(x => x.Kind == RecoveryEventKind.Recovered), TimeSpan.FromMinutes(3));
            var restored = Assert.Single(events, e => e.Kind == RecoveryEventKind.Action && e.Done.StartsWith("restored ", StringComparison.Ordinal));
            Assert.Matches("just before transaction [0-9]+ .*found in archived WAL: transaction [0-9]+ truncated public\\.", restored.Done);
            Assert.StartsWith("verified: rows counted against the side instance", restored.Outcome, StringComparison.Ordinal);
            return restored.Done;
        });
    }

    /// <summary>
    /// Customers order while <paramref name="damage"/> hits the database and <paramref name="recoverAsync"/> recovers it; then
    /// every order acknowledged, before the damage or after the recovery, is there once.
    /// </summary>
    private static async Task DamageUnderLoadAsync(SupervisedUp up, string damage, Func<Task<string>> recoverAsync)
    {
        await WaitForRecoveryPointAsync(up);
        var customers = new List<HttpClient>();
        for (var customer = 0; customer < 3; customer++)
        {
            customers.Add(await up.SignedInAsync(admin: false));
        }

        using var admin = await up.SignedInAsync(admin: true);
        var load = new OrderLoad(customers, await ProductAsync(admin));
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var database = up.Database();
        DateTime damagedAt;
        await using (var command = database.CreateCommand(damage))
        {
            await command.ExecuteNonQueryAsync();
            damagedAt = DateTime.UtcNow;
        }

        var recovery = await recoverAsync();
        var recoveredAt = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await running;

        var present = new List<long>();
        await using (var ids = database.CreateCommand("SELECT id FROM orders"))
        await using (var reader = await ids.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                present.Add(reader.GetInt64(0));
            }
        }

        var acknowledged = load.Created.Values.ToList();
        Assert.Contains(acknowledged, order => order.AnsweredAt < damagedAt);
        Assert.Contains(acknowledged, order => order.AnsweredAt > recoveredAt);
        var missing = acknowledged.Where(order => !present.Contains(order.Id)).Select(order => $"{order.Id} acknowledged {order.AnsweredAt:HH:mm:ss.fff}").ToList();
        Assert.True(missing.Count == 0, $"missing {string.Join(", ", missing)}; damaged at {damagedAt:HH:mm:ss.fff}, recovered at {recoveredAt:HH:mm:ss.fff}\n{recovery}\n"
            + string.Join('\n', await up.EventsAsync("database")));
        Assert.Equal(present.Count, present.Distinct().Count());
    }

    /// <summary>
    /// Waits for a physical backup and for a mark of the tables taken after it and old enough to search the WAL from: a
    /// search from before the oldest backup has no set to restore from.
    /// </summary>
    internal static async Task WaitForRecoveryPointAsync(SupervisedUp up)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        DateTimeOffset? backedUp;
        while ((backedUp = await PgBackRest.For(up.Home).InfoAsync(CancellationToken.None)
            .ContinueWith(info => info.IsCompletedSuccessfully ? info.Result.RecoverableSince : null)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no physical backup within 3 minutes:\n" + up.Up.Output);
            await Task.Delay(500);
        }

        var marks = new TableFileMarks(up.Home.StateDatabase);
        while (await marks.BeforeAsync(DateTimeOffset.UtcNow - DamageRecoveryPoint.Margin, CancellationToken.None) is not [var mark, ..]
            || mark.At <= backedUp.Value.AddSeconds(1))
        {
            Assert.True(DateTime.UtcNow < deadline, "no mark of the tables' files within 3 minutes:\n" + up.Up.Output);
            await Task.Delay(500);
        }
    }

    private static async Task<long> ProductAsync(HttpClient admin)
    {
        using var created = await admin.PostAsJsonAsync("api/v1/products", new { sku = $"PITR-{Guid.NewGuid():N}"[..20], name = "Load", price = 1.5m, stock = 1_000_000 });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
    }
}

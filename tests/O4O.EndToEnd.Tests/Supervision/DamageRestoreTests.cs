using Npgsql;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Supervision;

public sealed class DamageRestoreTests
{
    [Fact]
    public async Task A_missing_relation_file_is_detected_and_the_newest_verified_backup_is_restored_through_the_safe_swap()
    {
        // The restore from the newest archive, as where WAL is not archived: with archiving on, a point-in-time restore is tried first.
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string>
        {
            ["O4O__AutoRecovery__RestoreOnCorruption"] = "true",
            ["O4O__Archiving__Enabled"] = "false",
        });
        var backup = await up.CliAsync("backup", "create");
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var verify = await up.CliAsync("backup", "verify");
        Assert.True(verify.ExitCode == 0, verify.StandardError);
        await using var database = up.Database();
        var products = await CountAsync(database);
        await using (var path = database.CreateCommand("SELECT pg_relation_filepath('products')"))
        {
            File.Delete(Path.Combine(up.Home.PostgresData, (string)(await path.ExecuteScalarAsync())!));
        }

        // A new connection opens the relation's file afresh: the error lands in the server log, as a customer's query would.
        await Assert.ThrowsAsync<PostgresException>(() => CountAsync(database));
        var events = await up.WaitForEventsAsync("database", e => e.Any(x => x.Kind == RecoveryEventKind.Recovered), TimeSpan.FromSeconds(60));

        var detected = Assert.Single(events, e => e.Kind == RecoveryEventKind.Detected);
        Assert.Equal(FailureType.DatabaseDamage, detected.FailureType);
        Assert.Contains("could not open file", detected.Seen);
        var restored = Assert.Single(events, e => e.Kind == RecoveryEventKind.Action);
        Assert.Matches("^restored o4o_backup_[0-9_]+\\.tar\\.gz through the safe swap; the damaged database is kept as o4o_platform_broken_[0-9_]+$", restored.Done);
        Assert.StartsWith("verified", restored.Outcome);
        Assert.Equal(products, await CountAsync(database));
        Assert.Contains(await up.EventsAsync("database"), e => e.Kind == RecoveryEventKind.Switch && e.Seen.StartsWith("restore of", StringComparison.Ordinal));
        await up.Up.WaitForOkAsync(up.Client, "/api/v1/products", TimeSpan.FromSeconds(15));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource database)
    {
        await using var count = database.CreateCommand("SELECT count(*) FROM products");
        return (long)(await count.ExecuteScalarAsync())!;
    }
}

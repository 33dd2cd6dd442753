using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Offsite;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// The runbook's scenario 3 end to end: a shop under <c>o4o up</c> with the test's s3rver as its off-site bucket takes orders,
/// its machine is lost (the conductor and cluster killed, the home deleted), and a new home restored with
/// <c>o4o restore --from s3://BUCKET/PREFIX --key-file KEY --yes</c> serves the same shop under a new <c>o4o up</c>.
/// </summary>
public sealed class BareMachineRestoreTests(S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    private readonly string _prefix = $"shop-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_new_machine_restored_from_the_bucket_serves_the_same_shop_with_every_order_the_off_site_WAL_holds()
    {
        var keys = Directory.CreateTempSubdirectory("o4o-e2e-keys-").FullName;
        try
        {
            var keyFile = Path.Combine(keys, "keys.json");
            List<long> archived;
            long product;
            await using (var lost = await SupervisedUp.StartAsync(Settings(_prefix)))
            {
                await lost.WaitForEventsAsync(ScheduledPhysicalBackups.OffsiteComponent, events => events.Any(e => e.Kind == RecoveryEventKind.Recovered),
                    TimeSpan.FromMinutes(5));
                var created = await lost.CliAsync("backup", "create");
                Assert.True(created.ExitCode == 0, created.StandardError);
                await lost.WaitForEventsAsync(OffsiteUploads.Component, events => events.Any(e => e.Outcome?.Contains(" is off-site: ", StringComparison.Ordinal) == true),
                    TimeSpan.FromMinutes(3));
                var export = await lost.CliAsync("backup", "key", "export");
                await File.WriteAllTextAsync(keyFile, export.StandardOutput);

                using var admin = await lost.SignedInAsync(admin: true);
                product = await ProductAsync(admin);
                using var customer = await lost.SignedInAsync(admin: false);
                archived = await OrdersAsync(customer, product, 20);
                await WaitUntilOffsiteAsync(lost, await SwitchWalAsync(lost));
                // Orders after the last archived segment may or may not be in the bucket: nothing is asserted of them.
                await OrdersAsync(customer, product, 5);
            }

            var restore = (CommandResult?)null;
            await using var restored = await SupervisedUp.StartAsync(
                new Dictionary<string, string>(Settings(_prefix)) { ["O4O__Admin__Password"] = "Not-the-restored-password-1" },
                home => restore = RestoreAsync(home, keyFile).GetAwaiter().GetResult());

            Assert.True(restore!.ExitCode == 0, restore.StandardOutput + restore.StandardError);
            Assert.Contains("Replay reached the end of the archived WAL", restore.StandardError, StringComparison.Ordinal);
            using var signedIn = await restored.SignedInAsync(admin: true);
            await using var database = restored.Database();
            var present = new HashSet<long>();
            await using (var reader = await database.CreateCommand("SELECT id FROM orders").ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    present.Add(reader.GetInt64(0));
                }
            }

            Assert.Subset(present, archived.ToHashSet());
            Assert.Equal(1L, await database.CreateCommand($"SELECT count(*) FROM products WHERE id = {product}").ExecuteScalarAsync());
            // The restored cluster archives again, on a new timeline: the conductor's pgbackrest check passes.
            await restored.WaitForEventsAsync(WalArchiving.Component, events => events.Any(e => e.Seen.StartsWith("WAL archiving works", StringComparison.Ordinal)),
                TimeSpan.FromMinutes(3));
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    private Dictionary<string, string> Settings(string prefix) =>
        server.Settings(prefix).ToDictionary(setting => $"O4O__{setting.Key.Replace(":", "__", StringComparison.Ordinal)}", setting => setting.Value);

    /// <summary>The new machine: its empty home, the bucket's endpoint and credentials in the environment, the operator's key file.</summary>
    private async Task<CommandResult> RestoreAsync(string home, string keyFile)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" < /dev/null", Path.Combine(O4OProcess.RepositoryRoot(), "o4o"),
            "restore", "--from", $"s3://{server.Bucket}/{_prefix}", "--key-file", keyFile, "--yes"]);
        start.Environment["O4O_HOME"] = home;
        start.Environment["O4O_CONFIGURATION"] = "Debug";
        foreach (var (name, value) in Settings(_prefix).Where(setting => !setting.Key.EndsWith("Bucket", StringComparison.Ordinal) && !setting.Key.EndsWith("Prefix", StringComparison.Ordinal)))
        {
            start.Environment[name] = value;
        }

        return await CommandRunner.RunAsync(start);
    }

    private static async Task<long> ProductAsync(HttpClient admin)
    {
        using var created = await admin.PostAsJsonAsync("api/v1/products", new { sku = $"S3-{Guid.NewGuid():N}"[..20], name = "Lost and found", price = 2.5m, stock = 1_000 });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>Places <paramref name="count"/> orders one after another; returns the ids the platform acknowledged.</summary>
    private static async Task<List<long>> OrdersAsync(HttpClient customer, long product, int count)
    {
        var ids = new List<long>();
        for (var order = 0; order < count; order++)
        {
            using var created = await customer.PostAsJsonAsync("api/v1/orders", new { items = new[] { new { productId = product, quantity = 1 } } });
            created.EnsureSuccessStatusCode();
            ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        }

        return ids;
    }

    /// <summary>Closes the WAL segment holding the orders so far; returns its name.</summary>
    private static async Task<string> SwitchWalAsync(SupervisedUp up)
    {
        await using var database = up.Database();
        return (string)(await database.CreateCommand("SELECT pg_walfile_name(pg_switch_wal())").ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilOffsiteAsync(SupervisedUp up, string segment)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await PgBackRest.For(up.Home).InfoAsync(PgBackRestOffsite.Remote, CancellationToken.None)).NewestWal is not { } newest
            || string.CompareOrdinal(newest, segment) < 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"segment {segment} did not reach the off-site repository within 2 minutes");
            await Task.Delay(500);
        }
    }
}

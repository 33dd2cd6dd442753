using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Supervision;

public sealed class DroppedTableTests
{
    private const string Evidence = "42P01 relation \"orders\" does not exist";

    [Fact]
    public async Task A_dropped_table_fails_readiness_opens_a_data_loss_incident_and_status_names_the_evidence()
    {
        await using var up = await SupervisedUp.StartAsync();

        var dropped = await up.CliAsync("psql", "-c", "DROP TABLE orders CASCADE");
        Assert.True(dropped.ExitCode == 0, dropped.StandardError);

        await WaitForStatusAsync(up.Client, "/api/health/ready", HttpStatusCode.ServiceUnavailable);
        var events = await up.WaitForEventsAsync("database", e => e.Any(x => x.Kind == RecoveryEventKind.Detected), TimeSpan.FromSeconds(30));
        var detected = Assert.Single(events, e => e.Kind == RecoveryEventKind.Detected);
        Assert.Equal(FailureType.DataLoss, detected.FailureType);
        Assert.Contains(Evidence, detected.Seen, StringComparison.Ordinal);
        // The journal opens the incident just after the event is written: wait for it rather than race it.
        var incidents = new IncidentStore(up.Home.StateDatabase);
        for (var tries = 0; tries < 50 && (await incidents.ListAsync(CancellationToken.None)).Count == 0; tries++)
        {
            await Task.Delay(200);
        }

        var incident = Assert.Single(await incidents.ListAsync(CancellationToken.None));
        Assert.Equal(FailureType.DataLoss, incident.FailureType);
        Assert.Null(incident.ResolvedAt);

        var status = await up.CliAsync("status");
        Assert.Equal(3, status.ExitCode);
        Assert.Contains(Evidence, status.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("dataLoss", await FailureTypeAsync(up, "platform"));

        // The storefront reads products: its 500 is the same loss, neither a dead server nor the network.
        Assert.Equal(0, (await up.CliAsync("psql", "-c", "DROP TABLE products CASCADE")).ExitCode);
        await WaitForStatusAsync(up.Client, "/", HttpStatusCode.InternalServerError);
        Assert.Equal("dataLoss", await FailureTypeAsync(up, "site"));
    }

    private static async Task<string?> FailureTypeAsync(SupervisedUp up, string component)
    {
        var status = await up.CliAsync("status", "--json");
        var json = JsonDocument.Parse(status.StandardOutput).RootElement;
        var found = json.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == component);
        return found.GetProperty("failureType").GetString();
    }

    [Fact]
    public async Task With_restore_on_corruption_a_dropped_table_is_restored_from_the_newest_backup_and_orders_are_served_again()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__AutoRecovery__RestoreOnCorruption"] = "true" });
        using var customer = await up.SignedInAsync(admin: false);
        using (var placed = await customer.PostAsJsonAsync("api/v1/orders", new { items = new[] { new { productId = 1, quantity = 1 } } }))
        {
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        }

        var backup = await up.CliAsync("backup", "create");
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var verify = await up.CliAsync("backup", "verify");
        Assert.True(verify.ExitCode == 0, verify.StandardError);

        var dropped = await up.CliAsync("psql", "-c", "DROP TABLE orders CASCADE");
        Assert.True(dropped.ExitCode == 0, dropped.StandardError);
        var events = await up.WaitForEventsAsync("database", e => e.Any(x => x.Kind == RecoveryEventKind.Recovered), TimeSpan.FromSeconds(90));

        Assert.Contains(Evidence, Assert.Single(events, e => e.Kind == RecoveryEventKind.Detected).Seen, StringComparison.Ordinal);
        var restored = Assert.Single(events, e => e.Kind == RecoveryEventKind.Action);
        Assert.StartsWith("restored o4o_backup_", restored.Done, StringComparison.Ordinal);
        Assert.StartsWith("verified", restored.Outcome, StringComparison.Ordinal);
        await up.Up.WaitForOkAsync(up.Client, "/api/health/ready", TimeSpan.FromSeconds(30));
        var orders = await customer.GetFromJsonAsync<JsonElement>("api/v1/orders");
        Assert.Contains("\"id\"", orders.GetRawText(), StringComparison.Ordinal);
        using var again = await customer.PostAsJsonAsync("api/v1/orders", new { items = new[] { new { productId = 1, quantity = 1 } } });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(0, (await up.CliAsync("status")).ExitCode);
    }

    private static async Task WaitForStatusAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode last;
        do
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            last = response.StatusCode;
            if (last == expected)
            {
                return;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(expected, last);
    }
}

using System.Net;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Metrics;

/// <summary><c>/metrics</c> asked for from another machine (<see cref="PlatformFactory.ClientAddress"/>): an admin's token only.</summary>
public sealed class MetricsAccessTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task A_remote_scrape_is_refused_with_a_problem_anonymously_or_as_a_customer_and_served_to_an_admin()
    {
        using var anonymous = Platform.CreateClient();
        using var customer = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");

        foreach (var refused in new[] { await anonymous.GetAsync("/metrics"), await customer.GetAsync("/metrics") })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        using var served = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var samples = await PrometheusText.ParseAsync(await served.Content.ReadAsStringAsync());
        Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_count" && s.Label("http_route") == "/api/v1/auth/login");
    }
}

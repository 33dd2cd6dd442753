using O4O.Recovery.Configuration;
using O4O.Recovery.Verification;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Verification;

public sealed class PlatformVerifierTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Fact]
    public async Task Every_check_passes_against_the_real_running_platform_with_load_percentiles()
    {
        await using var platform = await RunningPlatform.StartAsync(await postgres.CreateDatabaseAsync("verify"));
        using var client = new HttpClient();
        var options = new VerifyOptions { Email = RunningPlatform.AdminEmail, Password = RunningPlatform.AdminPassword, LoadRequests = 200 };

        var checks = await new PlatformVerifier(client, platform.BaseAddress, options, TimeProvider.System).RunAsync(default);

        Assert.Equal(["health", "products", "login", "admin", "storefront", "response-time", "load"], checks.Select(check => check.Name));
        Assert.All(checks, check => Assert.True(check.Passed, $"{check.Name}: {check.Detail}"));
        Assert.Equal(10, checks[5].Measurements!["requests"]);
        var load = checks[6].Measurements!;
        Assert.Equal((200, 10, 0), (load["requests"], load["concurrency"], load["failed"]));
        Assert.True(load["requestsPerSecond"] > 0);
        Assert.True(load["p50Ms"] <= load["p95Ms"] && load["p95Ms"] <= load["p99Ms"]);
        Assert.DoesNotContain(RunningPlatform.AdminPassword, string.Join('\n', checks.Select(check => check.Detail)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_smoke_test_account_the_login_check_fails_and_says_what_to_set()
    {
        await using var platform = await RunningPlatform.StartAsync(await postgres.CreateDatabaseAsync("verify"));
        using var client = new HttpClient();

        var checks = await new PlatformVerifier(client, platform.BaseAddress, new VerifyOptions { LoadRequests = 10 }, TimeProvider.System).RunAsync(default);

        var login = Assert.Single(checks, check => check.Name == "login");
        Assert.False(login.Passed);
        Assert.Contains("O4O__Verify__Email", login.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_platform_that_is_not_running_fails_every_HTTP_check_with_the_reason()
    {
        using var client = new HttpClient();
        var options = new VerifyOptions { Email = "a@b.c", Password = "x", HealthRequests = 2, LoadRequests = 5 };

        var checks = await new PlatformVerifier(client, new Uri($"http://127.0.0.1:{FreePort.Next()}/"), options, TimeProvider.System).RunAsync(default);

        Assert.All(checks, check => Assert.False(check.Passed));
        Assert.Contains("refused", checks[0].Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var sorted = Enumerable.Range(1, 100).Select(value => (double)value).ToArray();

        Assert.Equal((50, 95, 99), (LoadTest.Percentile(sorted, 0.50), LoadTest.Percentile(sorted, 0.95), LoadTest.Percentile(sorted, 0.99)));
        Assert.Equal(0, LoadTest.Percentile([], 0.5));
    }
}

using System.Net;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Dashboard;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Dashboard;

public sealed class DashboardSignInLimitTests
{
    private const int BadSignIns = 2000;

    [Fact]
    public async Task Two_thousand_bad_sign_ins_from_one_address_are_throttled_add_a_handful_of_rows_and_leave_another_address_free()
    {
        await using var up = await SupervisedUp.StartAsync();
        var dashboard = new Uri($"http://127.0.0.1:{up.Up.DashboardPort}/");
        using var attacker = LoopbackClients.From("127.0.0.8", dashboard);
        await up.Up.WaitForOkAsync(attacker, "/", TimeSpan.FromSeconds(15));
        var rowsBefore = (await up.EventsAsync("dashboard")).Count;

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < BadSignIns; i++)
        {
            var response = await attacker.PostAsync("sign-in", Form($"guess-{i}"));
            statuses.Add(response.StatusCode);
            throttled ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        var attackerRight = await attacker.PostAsync("sign-in", Form(OperatorToken.LoadOrCreate(up.Home)));
        using var operatorElsewhere = LoopbackClients.From("127.0.0.9", dashboard);
        var operatorRight = await operatorElsewhere.PostAsync("sign-in", Form(OperatorToken.LoadOrCreate(up.Home)));
        var rows = (await up.EventsAsync("dashboard")).Skip(rowsBefore).ToList();

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.NotNull(throttled);
        Assert.Equal("text/html", throttled.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"action=""/sign-in""[\s\S]*Too many sign-in attempts from this address\. Try again in \d+ seconds\.",
            await throttled.Content.ReadAsStringAsync());
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) > BadSignIns - 100, "most bad sign-ins are throttled");
        Assert.Equal(HttpStatusCode.TooManyRequests, attackerRight.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, operatorRight.StatusCode);
        Assert.InRange(rows.Count, 1, 3);
        Assert.Contains(rows, e => e.Seen.Contains("127.0.0.8", StringComparison.Ordinal) && e.Seen.Contains("times", StringComparison.Ordinal));
    }

    private static FormUrlEncodedContent Form(string token) => new(new Dictionary<string, string> { ["token"] = token });
}

using System.Globalization;
using System.Text.Json;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Commands;

/// <summary>Whether <c>o4o status</c> calls the off-site copies immutable, from the test's real s3rver (which has no Object Lock).</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class StatusOffsiteTests(ManagedPostgresFixture postgres, S3ServerFixture server)
    : IClassFixture<ManagedPostgresFixture>, IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task Status_says_the_off_site_copies_are_not_immutable_on_a_server_without_Object_Lock_in_English_and_Korean()
    {
        using var cli = await OffsiteCliAsync(server.Endpoint);

        var json = JsonDocument.Parse((await cli.RunAsync("status", "--json", "--lang", "en")).Out).RootElement;
        var korean = await cli.RunAsync("status", "--lang", "ko");

        var row = Component(json, "offsite-lock");
        Assert.Equal("degraded", row.GetProperty("state").GetString());
        Assert.Equal($"s3://{server.Bucket}/immutable-test", row.GetProperty("address").GetString());
        Assert.StartsWith("not immutable: the server does not support Object Lock; whoever holds the credentials", row.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("변경 가능: 서버가 S3 객체 잠금을 지원하지 않습니다", korean.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_says_immutability_is_unknown_when_the_bucket_does_not_answer_and_still_reports_the_rest()
    {
        using var cli = await OffsiteCliAsync($"https://localhost:{FreePort.Next()}");

        var result = await cli.RunAsync("status", "--json", "--lang", "en");

        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("healthy", Component(json, "database").GetProperty("state").GetString());
        Assert.StartsWith("immutability unknown: the Object Lock configuration of s3://o4o cannot be read: ",
            Component(json, "offsite-lock").GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task<CliRun> OffsiteCliAsync(string endpoint)
    {
        var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = await postgres.CreateDatabaseAsync("lock");
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        foreach (var (setting, value) in server.Settings("immutable-test"))
        {
            cli.Settings[setting] = value;
        }

        cli.Settings["Offsite:Endpoint"] = endpoint;
        return cli;
    }

    private static JsonElement Component(JsonElement status, string name) =>
        status.GetProperty("components").EnumerateArray().Single(component => component.GetProperty("name").GetString() == name);
}

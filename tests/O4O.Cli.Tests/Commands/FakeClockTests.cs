using Microsoft.Extensions.Time.Testing;

namespace O4O.Cli.Tests.Commands;

/// <summary>Commands read the context's clock, so a fake one shows what they say about time without waiting for it.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class FakeClockTests
{
    private static readonly DateTimeOffset _alert = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Incident_show_and_list_count_the_duration_of_an_open_incident_by_the_contexts_clock()
    {
        var clock = new FakeTimeProvider(_alert);
        using var cli = new CliRun { Time = clock };
        await cli.RunAsync("incident", "open", "Checkout pages are slow", "--lang", "en");
        clock.Advance(TimeSpan.FromMinutes(90));

        var shown = await cli.RunAsync("incident", "show", "1", "--lang", "en");
        var listed = await cli.RunAsync("incident", "list", "--lang", "en");

        Assert.Contains("2026-11-26 14:00:00 UTC", shown.Out, StringComparison.Ordinal);
        Assert.Contains("1 h 30 min", shown.Out, StringComparison.Ordinal);
        Assert.Contains("1 h 30 min", listed.Out, StringComparison.Ordinal);
    }
}

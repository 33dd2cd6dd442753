using System.Globalization;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Commands;

/// <summary>Every section <c>o4o up</c> reads is bound and checked before anything starts: a bad value is exit 2 and one line naming its key.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class UpConfigurationTests
{
    [Theory]
    [InlineData("Database:Port", "70000")]
    [InlineData("Database:Name", "")]
    [InlineData("Platform:Port", "0")]
    [InlineData("Platform:StartTimeout", "-00:00:05")]
    [InlineData("Supervision:ProbeInterval", "00:00:00")]
    [InlineData("Supervision:CrashLoopRestarts", "many")]
    [InlineData("AutoRecovery:RowLossThreshold", "1.5")]
    [InlineData("AutoRecovery:RestoreOnCorruption", "perhaps")]
    [InlineData("Backup:Schedule", "every night at three")]
    [InlineData("Backup:KeepDaily", "-1")]
    [InlineData("Nginx:Port", "99999")]
    [InlineData("Dashboard:Port", "-1")]
    [InlineData("Dashboard:SampleEvery", "00:00:00")]
    [InlineData("Incidents:QuietWindow", "-00:10:00")]
    [InlineData("Escalation:RepeatEvery", "00:00:00")]
    [InlineData("Notifications:RetryFirst", "soon")]
    [InlineData("Heartbeat:Interval", "00:00:00")]
    [InlineData("Events:Retention", "-90.00:00:00")]
    public async Task A_bad_value_in_any_section_fails_up_with_a_usage_error_naming_its_key_before_anything_starts(string key, string value)
    {
        using var cli = new CliRun();
        cli.Settings["Platform:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        cli.Settings["Database:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        cli.Settings[key] = value;

        var result = await cli.RunAsync("up");

        Assert.True(result.ExitCode == ExitCodes.UsageError, result.Error);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("o4o: Invalid configuration: ", line);
        Assert.Contains(key, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cli.Home.PostgresData), "the cluster was set up before the configuration was checked");
    }
}

using System.Diagnostics;
using System.Globalization;
using O4O.Recovery.Processes;

namespace O4O.Cli.Tests.Commands;

/// <summary>A command line that cannot be run is one line on stderr and exit code 2, never a stack trace or a help page.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class CommandLineErrorTests
{
    [Theory]
    [InlineData("klingon")]
    [InlineData("xx")]
    [InlineData("de")]
    public async Task An_unknown_lang_option_is_one_line_and_a_usage_error(string language)
    {
        using var cli = new CliRun();

        var result = await cli.RunAsync("status", "--lang", language);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Equal($"o4o: --lang (or O4O_LANG) must be en or ko, not '{language}'.", Assert.Single(result.ErrorLines));
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task An_unknown_O4O_LANG_is_one_line_and_a_usage_error_not_a_crash()
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "o4o.dll"), "status"]);
        start.Environment["O4O_LANG"] = "not-a-language!";
        start.Environment["O4O_HOME"] = Path.Combine(Path.GetTempPath(), "o4o-no-such-home");

        var result = await CommandRunner.RunAsync(start);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Equal("o4o: --lang (or O4O_LANG) must be en or ko, not 'not-a-language!'.", result.StandardError.Trim());
    }

    [Fact]
    public async Task A_negative_line_count_for_logs_is_one_line_and_a_usage_error()
    {
        using var cli = new CliRun();

        var result = await cli.RunAsync("logs", "platform", "-n", "-5");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Equal("o4o: -n must be 0 or more, not -5. (o4o logs --help)", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task A_missing_argument_is_one_line_naming_the_help_and_a_usage_error()
    {
        using var cli = new CliRun();

        var result = await cli.RunAsync("logs");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("o4o: ", line, StringComparison.Ordinal);
        Assert.EndsWith("(o4o logs --help)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Korean_is_accepted_as_ko_and_as_a_korean_culture_name()
    {
        using var cli = new CliRun();
        try
        {
            var shortName = await cli.RunAsync("logs", "--lang", "ko", "nothing");
            var cultureName = await cli.RunAsync("logs", "--lang", "ko-KR", "nothing");

            Assert.Equal(ExitCodes.UsageError, shortName.ExitCode);
            Assert.Equal(shortName.Error, cultureName.Error);
            Assert.DoesNotContain("must be en or ko", shortName.Error, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.DefaultThreadCurrentUICulture = null;
            CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        }
    }
}

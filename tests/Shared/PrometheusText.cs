using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace O4O.Tests.Shared;

/// <summary>One sample of a scrape: <c>name{labels} value</c>.</summary>
public sealed record PrometheusSample(string Name, Dictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.GetValueOrDefault(name, "");
}

/// <summary>
/// A scrape read the way Prometheus reads it: <c>promtool check metrics</c> (Debian's <c>prometheus</c>) lints the
/// exposition, and the Prometheus client's own text-format parser (Debian's <c>python3-prometheus-client</c>) reads the
/// samples, so a test holds the endpoint to what a real scraper accepts rather than to a hand-written reader.
/// </summary>
public static class PrometheusText
{
    private const string Parser = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        samples = [{"name": s.name, "labels": s.labels, "value": s.value}
                   for family in text_string_to_metric_families(sys.stdin.read()) for s in family.samples]
        json.dump(samples, sys.stdout)
        """;

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>promtool's exit code for lint problems alone (1 is a parse error).</summary>
    private const int LintProblems = 3;

    /// <summary>
    /// Names promtool objects to that are kept on purpose: <c>db.client.connection.count</c> is OpenTelemetry's semantic
    /// convention for a pool's connections by state (Npgsql's meter), and the dashboards made for it look for that name,
    /// although promtool keeps the <c>_count</c> suffix for histograms.
    /// </summary>
    private static readonly string[] _acceptedLint = ["db_client_connection_count "];

    /// <summary>Lints <paramref name="exposition"/> and returns its samples; a parse error or a lint problem not accepted fails the test.</summary>
    public static async Task<IReadOnlyList<PrometheusSample>> ParseAsync(string exposition)
    {
        var (lintCode, lint) = await RunAsync("promtool", ["check", "metrics"], exposition);
        var problems = lint.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !_acceptedLint.Any(accepted => line.StartsWith(accepted, StringComparison.Ordinal))).ToList();
        Assert.True(lintCode == 0 || (lintCode == LintProblems && problems.Count == 0), $"promtool check metrics: {lint}\n{exposition}");
        // Debian's interpreter, which has the package, whatever python3 comes first on the PATH.
        var (parseCode, parsed) = await RunAsync("/usr/bin/python3", ["-c", Parser], exposition);
        Assert.True(parseCode == 0, $"prometheus_client's parser: {parsed}");
        return JsonSerializer.Deserialize<List<PrometheusSample>>(parsed, _json)!;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include all of <paramref name="labels"/>; 0 when none.</summary>
    public static double Sum(this IEnumerable<PrometheusSample> samples, string name, params (string Label, string Value)[] labels) =>
        samples.Where(sample => sample.Name == name && labels.All(label => sample.Label(label.Label) == label.Value)).Sum(sample => sample.Value);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string input)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}

using System.Globalization;

namespace O4O.Recovery.Monitoring;

/// <summary>
/// The platform's requests answered so far, all and 5xx, by route, as its <c>/metrics</c> counts them (ASP.NET Core's
/// <c>http.server.request.duration</c> histogram): what a deploy's watch compares between two reads, so the 5xx rate it
/// acts on is the number an operator's Prometheus shows. Counts start at zero with each platform process.
/// </summary>
/// <param name="Requests">Requests answered, by route (<c>""</c> for requests no route matched).</param>
/// <param name="ServerErrors">Requests answered with a 5xx status, by route.</param>
public sealed record PlatformRequestCounts(IReadOnlyDictionary<string, double> Requests, IReadOnlyDictionary<string, double> ServerErrors)
{
    /// <summary>The platform's scrape endpoint; it serves callers on loopback, as the conductor is.</summary>
    public const string MetricsPath = "metrics";

    private const string Series = "http_server_request_duration_seconds_count{";

    /// <summary>All requests answered.</summary>
    public double TotalRequests => Requests.Values.Sum();

    /// <summary>All 5xx answers.</summary>
    public double TotalServerErrors => ServerErrors.Values.Sum();

    /// <summary>Reads the counts from the platform at <paramref name="platform"/> (its base address).</summary>
    /// <exception cref="HttpRequestException">The platform did not answer or refused the scrape.</exception>
    public static async Task<PlatformRequestCounts> ReadAsync(HttpClient client, Uri platform, CancellationToken cancellationToken) =>
        Parse(await client.GetStringAsync(new Uri(platform, MetricsPath), cancellationToken));

    /// <summary>Sums the request-count series of a Prometheus text exposition by route and status class.</summary>
    public static PlatformRequestCounts Parse(string exposition)
    {
        var requests = new Dictionary<string, double>(StringComparer.Ordinal);
        var errors = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(Series, StringComparison.Ordinal) || ReadLabels(line[Series.Length..], out var end) is not { } labels)
            {
                continue;
            }

            var rest = line[(Series.Length + end)..].Trim();
            var spaceAt = rest.IndexOf(' ');
            if (!double.TryParse(spaceAt < 0 ? rest : rest[..spaceAt], NumberStyles.Float, CultureInfo.InvariantCulture, out var count))
            {
                continue;
            }

            var route = labels.GetValueOrDefault("http_route", "");
            requests[route] = requests.GetValueOrDefault(route) + count;
            if (labels.GetValueOrDefault("http_response_status_code", "").StartsWith('5'))
            {
                errors[route] = errors.GetValueOrDefault(route) + count;
            }
        }

        return new PlatformRequestCounts(requests, errors);
    }

    /// <summary>The labels up to the closing brace (<paramref name="end"/> is just past it), unescaping values; null when malformed.</summary>
    private static Dictionary<string, string>? ReadLabels(ReadOnlySpan<char> text, out int end)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        end = 0;
        while (i < text.Length && text[i] != '}')
        {
            var equals = text[i..].IndexOf("=\"", StringComparison.Ordinal);
            if (equals < 0)
            {
                return null;
            }

            var name = text.Slice(i, equals).TrimStart(',').ToString();
            i += equals + 2;
            var value = new System.Text.StringBuilder();
            for (; i < text.Length && text[i] != '"'; i++)
            {
                value.Append(text[i] == '\\' && i + 1 < text.Length ? text[++i] switch { 'n' => '\n', var c => c } : text[i]);
            }

            if (i >= text.Length)
            {
                return null;
            }

            labels[name] = value.ToString();
            i++;
            if (i < text.Length && text[i] == ',')
            {
                i++;
            }
        }

        if (i >= text.Length)
        {
            return null;
        }

        end = i + 1;
        return labels;
    }
}

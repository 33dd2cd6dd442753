using System.Net;
using System.Text.Json;

namespace O4O.Recovery.Health;

/// <summary>
/// Reads why the platform is not ready from its own report (<c>/api/health/ready</c>): which check failed and what it
/// said, e.g. <c>schema: 42P01 relation "orders" does not exist</c>.
/// </summary>
public static class PlatformReadiness
{
    private static readonly string[] _missingSchema = ["42P01 ", "42703 "];

    /// <summary>The first unhealthy check as <c>name: description</c>; null when the platform is ready or does not answer.</summary>
    public static async Task<string?> FailingCheckAsync(HttpClient client, Uri baseAddress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await client.GetAsync(new Uri(baseAddress, "api/health/ready"), deadline.Token);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                return null;
            }

            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(deadline.Token), cancellationToken: deadline.Token);
            return body.RootElement.TryGetProperty("checks", out var checks) && checks.ValueKind == JsonValueKind.Object
                ? checks.EnumerateObject()
                    .Where(check => check.Value.TryGetProperty("status", out var status) && status.GetString() == "Unhealthy")
                    .Select(check => $"{check.Name}: {(check.Value.TryGetProperty("description", out var text) ? text.GetString() : null)}")
                    .FirstOrDefault()
                : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidOperationException
            || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Not answering is the liveness probe's finding, not readiness's.
            return null;
        }
    }

    /// <summary>The missing table or column named in <paramref name="failing"/>, SQLSTATE first; null when it names none.</summary>
    public static string? MissingSchema(string? failing) =>
        failing is null ? null
        : _missingSchema.Select(state => failing.IndexOf(state, StringComparison.Ordinal)).Where(at => at >= 0).Order().Select(at => failing[at..]).FirstOrDefault();
}

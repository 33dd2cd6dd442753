namespace O4O.Platform.Health;

public sealed record LivenessResponse(string Status);

/// <summary>
/// The answer of <c>/api/health</c>: overall status, when the checks ran and how old that result is (it is
/// shared for up to a second), and one entry per check.
/// </summary>
public sealed record HealthResponse(
    string Status,
    DateTimeOffset CheckedAt,
    double AgeMs,
    double DurationMs,
    IReadOnlyDictionary<string, HealthCheckResponse> Checks);

public sealed record HealthCheckResponse(
    string Status,
    double DurationMs,
    string? Description,
    IReadOnlyDictionary<string, object> Data);

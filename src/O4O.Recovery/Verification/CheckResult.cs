namespace O4O.Recovery.Verification;

/// <summary>One check of <c>o4o verify</c> or <c>o4o audit</c>.</summary>
/// <param name="Name">What was checked: "health", "login", "integrity", ...</param>
/// <param name="Passed">True only when it was checked and was right; a check that could not run has failed.</param>
/// <param name="Detail">The evidence, in one line: status codes, times, counts, or why it failed.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Measurements">Numbers for scripts: rates, percentiles, row counts.</param>
public sealed record CheckResult(string Name, bool Passed, string Detail, double DurationMs, IReadOnlyDictionary<string, double>? Measurements = null);

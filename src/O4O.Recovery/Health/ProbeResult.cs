namespace O4O.Recovery.Health;

/// <summary>The outcome of one probe of a component.</summary>
/// <param name="Healthy">True when the component answered as expected within the timeout.</param>
/// <param name="Elapsed">How long the probe took (the response time when healthy).</param>
/// <param name="Error">Why it failed, in one line; null when healthy.</param>
public sealed record ProbeResult(bool Healthy, TimeSpan Elapsed, string? Error)
{
    /// <summary>True when the server answered though the probe failed: restarting it would not help (see <see cref="DatabaseCondition"/>).</summary>
    public bool ServerAnswered { get; init; }

    /// <summary>A failed probe with the first line of <paramref name="error"/>'s message as the reason.</summary>
    public static ProbeResult Failed(TimeSpan elapsed, Exception error)
    {
        // "Failed to connect to 127.0.0.1:5432" says where; the innermost exception says why (connection refused).
        var cause = error.GetBaseException();
        var reason = cause == error || error.Message.Contains(cause.Message, StringComparison.Ordinal)
            ? error.Message
            : $"{error.Message}: {cause.Message}";
        return new(false, elapsed, FirstLine(reason));
    }

    /// <summary>The first line of <paramref name="text"/>: reasons are shown in tables and one-line reports.</summary>
    private static string FirstLine(string text) =>
        text.Split('\n', 2, StringSplitOptions.TrimEntries)[0];
}

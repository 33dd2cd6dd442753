namespace O4O.Recovery.PointInTime;

/// <summary>A pgBackRest command failed; the message is its own last error line.</summary>
/// <param name="command">The pgBackRest command (<c>check</c>, <c>backup</c>, …).</param>
/// <param name="error">What it said.</param>
public sealed class PgBackRestException(string command, string error) : Exception($"pgbackrest {command} failed: {error}")
{
    /// <summary>The pgBackRest command that failed.</summary>
    public string Command { get; } = command;
}

using System.Text.Json;
using System.Text.Json.Serialization;
using O4O.Recovery.IO;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// What the conductor's <see cref="OffsiteWalShipping"/> last found, in <c>$O4O_HOME/pgbackrest/offsite-wal.json</c>: for
/// <c>o4o status</c> and the backup watch, which must not wait on a bucket that does not answer to measure how far behind it is.
/// </summary>
/// <param name="ShippedThrough">The newest segment known to be in the off-site repository; null before the first.</param>
/// <param name="Pending">How many WAL files the local repository holds that the off-site one lacks.</param>
/// <param name="OldestPendingAt">When the oldest of them was archived locally; null when none is pending.</param>
/// <param name="Error">Why the last round failed, or null.</param>
public sealed record OffsiteWalState(string? ShippedThrough, int Pending, DateTimeOffset? OldestPendingAt, string? Error)
{
    /// <summary>The off-site WAL lag at <paramref name="now"/>: how long the oldest segment not off-site has waited.</summary>
    public TimeSpan Lag(DateTimeOffset now) => OldestPendingAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;

    /// <summary>The state recorded in <paramref name="layout"/>; null before the first round or when it cannot be read.</summary>
    internal static OffsiteWalState? Read(PgBackRestLayout layout)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(FileIn(layout)), OffsiteWalStateJson.Default.OffsiteWalState);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Records this state in <paramref name="layout"/>.</summary>
    internal void Write(PgBackRestLayout layout) =>
        AtomicFile.WriteAllBytes(FileIn(layout), JsonSerializer.SerializeToUtf8Bytes(this, OffsiteWalStateJson.Default.OffsiteWalState));

    private static string FileIn(PgBackRestLayout layout) => Path.Combine(layout.Root, "offsite-wal.json");
}

/// <summary>The state file's JSON contract, generated at build time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OffsiteWalState))]
internal sealed partial class OffsiteWalStateJson : JsonSerializerContext;

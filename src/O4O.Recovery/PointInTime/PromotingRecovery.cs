using O4O.Recovery.IO;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Turns the side instance's recovery settings (written by pgBackRest into <c>postgresql.auto.conf</c>: replay to the
/// target and pause, never archive) into the live cluster's: replay to the same target and promote to a new timeline,
/// archiving as the conductor's settings say, with the side directory's path replaced by the live one. Until it has
/// promoted the server takes no connection, so whoever connects first (the conductor's start) finds it writable.
/// </summary>
internal static class PromotingRecovery
{
    /// <summary>The setting that keeps the server closed until it promotes; reset once it has.</summary>
    public const string ClosedUntilPromoted = "hot_standby";

    /// <summary>Rewrites the settings of the restored <paramref name="dataDirectory"/> that will run in <paramref name="liveDirectory"/>.</summary>
    public static void Prepare(string dataDirectory, string liveDirectory)
    {
        var file = Path.Combine(dataDirectory, "postgresql.auto.conf");
        var lines = File.ReadAllLines(file)
            .Where(line => !Names(line, "archive_mode") && !Names(line, ClosedUntilPromoted) && !Names(line, "recovery_target_action"))
            .Select(line => line.Replace(dataDirectory, liveDirectory, StringComparison.Ordinal))
            // pgBackRest writes no action for its default, pause: without hot standby that would shut the server down at the target.
            .Append("recovery_target_action = 'promote'")
            .Append($"{ClosedUntilPromoted} = 'off'");
        AtomicFile.WriteAllText(file, string.Join('\n', lines) + "\n");
    }

    private static bool Names(string line, string setting)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith(setting, StringComparison.Ordinal) && trimmed[setting.Length..].TrimStart().StartsWith('=');
    }
}

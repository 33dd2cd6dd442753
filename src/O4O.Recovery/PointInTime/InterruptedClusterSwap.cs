using System.Text.Json;
using System.Text.Json.Serialization;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Restore;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.PointInTime;

/// <summary>A full-cluster restore's replacement of the data directory, as its journal (<c>$O4O_HOME/run/pitr-cluster.json</c>) records it.</summary>
/// <param name="Live">The live data directory.</param>
/// <param name="Kept">Where the live one is moved to, and kept.</param>
/// <param name="Restored">The restored data directory that is moved into its place.</param>
/// <param name="Target">What it was restored to.</param>
public sealed record ClusterSwapRecord(string Live, string Kept, string Restored, string Target);

/// <summary>
/// Puts right a full-cluster restore killed while it replaced the data directory. The journal is written before the
/// first of the two renames (live to kept, restored to live) and removed once the restored cluster runs; the directories
/// say how far it got: the kept one absent, nothing was moved; the live one absent, the old directory goes back (the
/// restored one is discarded with the side instance); both present, the restored cluster is in place and starts. The
/// old directory is never deleted. The conductor runs it before every start of
/// the cluster, so a missing data directory is never taken for a first run.
/// </summary>
public static class InterruptedClusterSwap
{
    /// <summary>The interrupted replacement of <paramref name="home"/>, or null when there is none (or it still runs).</summary>
    public static ClusterSwapRecord? Find(O4OHome home) =>
        File.Exists(JournalPath(home)) ? JsonSerializer.Deserialize(File.ReadAllBytes(JournalPath(home)), ClusterSwapJson.Default.ClusterSwapRecord) : null;

    /// <summary>Puts right a replacement no restore is running any more, and records it; returns what was done, or null.</summary>
    public static async Task<string?> PutRightAsync(O4OHome home, IRecoveryJournal journal, string actor, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Find(home) is null)
        {
            return null;
        }

        string? done;
        try
        {
            using (InterruptedRestore.Lock(home))
            {
                done = PutRight(home);
            }
        }
        catch (LockHeldException)
        {
            // The restore still runs: the replacement is its own.
            return null;
        }

        if (done is not null)
        {
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, RecoveryEventKind.Action, done, "", "done", null, actor),
                cancellationToken);
        }

        return done;
    }

    /// <summary>Puts right the journal's replacement; the caller holds the restore lock. Returns what was done, or null without a journal.</summary>
    internal static string? PutRight(O4OHome home)
    {
        if (Find(home) is not { } swap)
        {
            return null;
        }

        string done;
        if (!Directory.Exists(swap.Kept))
        {
            done = $"nothing had been moved: {swap.Live} is as it was";
        }
        else if (!Directory.Exists(swap.Live))
        {
            Directory.Move(swap.Kept, swap.Live);
            done = $"put the old data directory back from {swap.Kept}";
        }
        else
        {
            done = $"the restored data directory is in place; the old one is kept as {swap.Kept}";
        }

        Clear(home);
        return $"a full-cluster point-in-time restore to {swap.Target} was interrupted while it replaced the data directory: {done}";
    }

    /// <summary>Written (atomically) before the first rename.</summary>
    internal static void Record(O4OHome home, ClusterSwapRecord record)
    {
        PrivateFiles.CreateDirectory(home.Run);
        AtomicFile.WriteAllBytes(JournalPath(home), JsonSerializer.SerializeToUtf8Bytes(record, ClusterSwapJson.Default.ClusterSwapRecord));
    }

    /// <summary>Removed once the restored cluster runs.</summary>
    internal static void Clear(O4OHome home) => File.Delete(JournalPath(home));

    private static string JournalPath(O4OHome home) => Path.Combine(home.Run, "pitr-cluster.json");
}

/// <summary>The cluster swap journal's JSON contract.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ClusterSwapRecord))]
internal sealed partial class ClusterSwapJson : JsonSerializerContext;

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Processes;
using O4O.Recovery.Restore;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.PointInTime;

/// <summary>A side instance in use, as its journal (<c>$O4O_HOME/run/pitr.json</c>) records it.</summary>
/// <param name="Root">Its directory.</param>
/// <param name="Target">What it was restoring to.</param>
/// <param name="Started">When the run began.</param>
public sealed record SideInstanceRecord(string Root, string Target, DateTimeOffset Started);

/// <summary>
/// What a point-in-time restore killed mid-way leaves: its side instance's directory, a pgBackRest restore still writing
/// into it, a server still replaying in it. The next restore, the conductor's start and <c>o4o status</c> find it by its
/// journal (written before the directory exists, removed after it is gone) or its directory, stop what runs there and
/// remove it. The live cluster is never among them: only processes whose command line names the side directory are stopped.
/// </summary>
public static class SideInstanceLeftover
{
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The leftover of <paramref name="home"/>, or null when there is none.</summary>
    public static SideInstanceRecord? Find(O4OHome home)
    {
        var journal = JournalPath(home);
        if (File.Exists(journal))
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(journal), SideInstanceJson.Default.SideInstanceRecord);
        }

        var root = SideInstance.RootOf(home);
        return Directory.Exists(root) ? new SideInstanceRecord(root, "", new DateTimeOffset(Directory.GetCreationTimeUtc(root), TimeSpan.Zero)) : null;
    }

    /// <summary>Stops what runs in the leftover side instance and removes it; returns what was removed, or null when there was nothing.</summary>
    public static async Task<SideInstanceRecord?> RemoveAsync(O4OHome home, CancellationToken cancellationToken)
    {
        if (Find(home) is not { } leftover)
        {
            return null;
        }

        var root = SideInstance.RootOf(home);
        await StopPostmasterAsync(Path.Combine(root, "data"), SigQuit, cancellationToken);
        var waited = Stopwatch.StartNew();
        while (ProcessesNaming(root).Where(pid => pid != Environment.ProcessId && !IsZombie(pid)).ToList() is { Count: > 0 } running
            && waited.Elapsed < _stopTimeout)
        {
            // pgBackRest's restore and its workers: what they would still write is thrown away with the directory.
            running.ForEach(pid => UnixProcess.Signal(pid, UnixProcess.SigKill));
            await Task.Delay(50, cancellationToken);
        }

        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        File.Delete(JournalPath(home));
        return leftover;
    }

    /// <summary>
    /// Removes the leftover of a point-in-time restore that is no longer running (it holds the restore lock while it
    /// runs) and puts it on the record; returns it, or null when there was none or it still runs. The conductor runs it at start.
    /// </summary>
    public static async Task<SideInstanceRecord?> CleanUpAsync(O4OHome home, IRecoveryJournal journal, string actor, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (Find(home) is null || IsRunning(home))
        {
            return null;
        }

        using var held = InterruptedRestore.Lock(home);
        if (await RemoveAsync(home, cancellationToken) is not { } removed)
        {
            return null;
        }

        await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, RecoveryEventKind.Action,
            $"a point-in-time restore{(removed.Target.Length > 0 ? $" to {removed.Target}" : "")} was interrupted, leaving its side instance in {removed.Root}",
            "stopped what ran there and removed it", "done; the live database was not touched", null, actor), cancellationToken);
        return removed;
    }

    /// <summary>True while a restore holds the restore lock: its side instance is in use, not left over.</summary>
    public static bool IsRunning(O4OHome home)
    {
        try
        {
            using var held = InterruptedRestore.Lock(home);
            return false;
        }
        catch (LockHeldException)
        {
            return true;
        }
    }

    internal static void Record(O4OHome home, SideInstanceRecord record)
    {
        PrivateFiles.CreateDirectory(home.Run);
        AtomicFile.WriteAllBytes(JournalPath(home), JsonSerializer.SerializeToUtf8Bytes(record, SideInstanceJson.Default.SideInstanceRecord));
    }

    /// <summary>PostgreSQL's immediate shutdown.</summary>
    internal const int SigQuit = 3;

    /// <summary>
    /// Shuts down the postmaster of <paramref name="dataDirectory"/> with <paramref name="signal"/> (SIGQUIT: immediate,
    /// SIGINT: fast), SIGKILL after a while.
    /// </summary>
    internal static async Task StopPostmasterAsync(string dataDirectory, int signal, CancellationToken cancellationToken)
    {
        var lockFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(lockFile) || !int.TryParse(File.ReadLines(lockFile).FirstOrDefault(), out var pid) || !UnixProcess.IsAlive(pid)
            || !ProcessesNaming(dataDirectory).Contains(pid))
        {
            return;
        }

        UnixProcess.Signal(pid, signal);
        var waited = Stopwatch.StartNew();
        while (UnixProcess.IsAlive(pid) && !IsZombie(pid))
        {
            if (waited.Elapsed > _stopTimeout)
            {
                UnixProcess.Signal(pid, UnixProcess.SigKill);
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Processes whose command line names <paramref name="path"/> (or a path under it) as an argument.</summary>
    private static List<int> ProcessesNaming(string path)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var arguments = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(directory, "cmdline"))).Split('\0');
                if (arguments.Any(argument => Names(argument, path)))
                {
                    found.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }

    private static bool Names(string argument, string path)
    {
        var value = argument.Contains('=', StringComparison.Ordinal) ? argument[(argument.IndexOf('=', StringComparison.Ordinal) + 1)..] : argument;
        return value == path || value.StartsWith(path + "/", StringComparison.Ordinal);
    }

    // A postmaster that was our child and died stays a zombie until we reap it; it holds nothing any more.
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string JournalPath(O4OHome home) => Path.Combine(home.Run, "pitr.json");
}

/// <summary>The side instance journal's JSON contract.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SideInstanceRecord))]
internal sealed partial class SideInstanceJson : JsonSerializerContext;

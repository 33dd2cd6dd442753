using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.State;
using O4O.Recovery.Verification;

namespace O4O.Recovery.Incidents;

/// <summary>
/// <c>o4o incident evidence N</c>, the runbook's forensic step: a read-only copy, taken now, of what an investigation
/// needs before anything is restored over it — the incident's record, the logs, the platform files that differ from
/// their recorded checksums (with both checksums) and the manifests of the suspicious archives the incident names — in
/// <c>$O4O_HOME/evidence/incident-N-TIMESTAMP/</c>, with a <c>SHA256SUMS</c> list (<c>sha256sum -c</c> checks it).
/// Created 0700 and written 0600, then made read-only: files 0400, directories 0500.
/// </summary>
public static partial class IncidentEvidence
{
    private const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead;
    private const UnixFileMode ReadOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserExecute;

    /// <summary>Collects the evidence of incident <paramref name="id"/>; returns the evidence directory.</summary>
    /// <param name="home">The O4O home.</param>
    /// <param name="id">The incident.</param>
    /// <param name="platformDirectory">The platform the conductor launched, whose files <c>o4o audit</c> checks.</param>
    /// <param name="backup">Where archives are, for their manifests.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Stops it.</param>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public static async Task<string> CollectAsync(O4OHome home, long id, string platformDirectory, BackupOptions backup, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var store = new IncidentStore(home.StateDatabase);
        var incident = await store.GetAsync(id, cancellationToken);
        var timeline = await store.TimelineAsync(id, cancellationToken);
        var directory = NewDirectory(Path.Combine(home.Root, "evidence"), $"incident-{id}-{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}");
        var written = new List<string>();
        void Write(string name, string text)
        {
            var path = Path.Combine(directory, name);
            PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllText(path, text);
            written.Add(name);
        }

        Write("incident.txt", string.Join('\n', [$"#{incident.Id} {incident.Title}", .. timeline.Select(entry =>
            string.Create(CultureInfo.InvariantCulture, $"{entry.At.UtcDateTime:O}\t{entry.Kind}\t{entry.Component}\t{entry.Actor}\t{entry.Text}"))]) + "\n");
        written.AddRange(await CopyLogsAsync(home.Logs, directory, cancellationToken));
        Write("changed-files.txt", ChangedFiles(home, platformDirectory));
        var catalogue = new BackupCatalogue(home.StateDatabase, backup.DirectoryFor(home));
        var anomalies = new BackupAnomalies(home.StateDatabase).ReadAll();
        var named = string.Join('\n', [incident.Title, .. timeline.Select(entry => entry.Text)]);
        foreach (var archive in ArchiveNames().Matches(named).Select(match => match.Value).Distinct(StringComparer.Ordinal)
            .Where(name => anomalies.TryGetValue(name, out var anomaly) && anomaly.Suspicious))
        {
            Write($"archives/{archive}.anomaly.txt", string.Join('\n', anomalies[archive].Reasons) + "\n");
            if (catalogue.RecordedManifest(archive) is { } manifest)
            {
                Write($"archives/{archive}.manifest.json", Encoding.UTF8.GetString(manifest.ToJson()) + "\n");
            }
        }

        var sums = new StringBuilder();
        foreach (var name in written.Order(StringComparer.Ordinal))
        {
            await using var file = File.OpenRead(Path.Combine(directory, name));
            sums.Append(CultureInfo.InvariantCulture, $"{Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken))}  {name}\n");
        }

        Write("SHA256SUMS", sums.ToString());
        MakeReadOnly(directory);
        return directory;
    }

    /// <summary>Every regular file under the log directory; links and anything that resolves outside it are left out.</summary>
    private static async Task<List<string>> CopyLogsAsync(string logs, string directory, CancellationToken cancellationToken)
    {
        var copied = new List<string>();
        if (!Directory.Exists(logs))
        {
            return copied;
        }

        var inside = Path.GetFullPath(logs) + Path.DirectorySeparatorChar;
        foreach (var log in Directory.EnumerateFiles(logs, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Order(StringComparer.Ordinal))
        {
            var full = Path.GetFullPath(log);
            if (!full.StartsWith(inside, StringComparison.Ordinal) || new FileInfo(full).LinkTarget is not null || !RegularFile.IsRegularOrMissing(full))
            {
                continue;
            }

            var name = "logs/" + Path.GetRelativePath(inside, full);
            var target = Path.Combine(directory, name);
            PrivateFiles.CreateDirectory(Path.GetDirectoryName(target)!);
            // A log still being written is copied as it stands.
            await using (var source = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            await using (var copy = new FileStream(target, PrivateFiles.CreateNew(FileAccess.Write)))
            {
                await source.CopyToAsync(copy, cancellationToken);
                copy.Flush(flushToDisk: true);
            }

            copied.Add(name);
        }

        return copied;
    }

    private static string ChangedFiles(O4OHome home, string platformDirectory)
    {
        var differences = Directory.Exists(platformDirectory)
            ? PlatformChecksums.CompareWithSums(platformDirectory, PlatformChecksums.FileIn(home), home.ConfigurationFile)
            : null;
        if (differences is null)
        {
            return $"# no checksums recorded for {platformDirectory} ({PlatformChecksums.FileIn(home)}): nothing to compare\n";
        }

        return string.Concat([$"# {platformDirectory} against {PlatformChecksums.FileIn(home)}: change, recorded SHA-256, current SHA-256, path\n",
            .. differences.Select(difference => $"{difference.Change}\t{difference.Recorded ?? "-"}\t{difference.Current ?? "-"}\t{difference.Path}\n")]);
    }

    /// <summary>A new directory, 0700 from its creation; a second collection within the same second gets a suffix.</summary>
    private static string NewDirectory(string root, string name)
    {
        PrivateFiles.CreateDirectory(root);
        for (var attempt = 1; ; attempt++)
        {
            var path = Path.Combine(root, attempt == 1 ? name : $"{name}-{attempt}");
            if (!Path.Exists(path))
            {
                return PrivateFiles.CreateDirectory(path).FullName;
            }
        }
    }

    private static void MakeReadOnly(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, ReadOnlyFile);
        }

        foreach (var child in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).OrderByDescending(path => path.Length))
        {
            File.SetUnixFileMode(child, ReadOnlyDirectory);
        }

        File.SetUnixFileMode(directory, ReadOnlyDirectory);
    }

    [GeneratedRegex(@"o4o_backup_\d{8}_\d{6}\.tar\.gz")]
    private static partial Regex ArchiveNames();
}

using System.Globalization;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Offsite;

namespace O4O.Recovery.Restore;

/// <summary>
/// Puts the archive's <c>files/</c> back into <c>$O4O_HOME</c>: everything is extracted and checked first, then each
/// file replaces its counterpart by rename, and every replaced file is kept under <c>replaced-&lt;timestamp&gt;/</c>.
/// The files are read from past the dump when the archive is laid out as o4o writes it, without reading the dump.
/// </summary>
internal static class PlatformFilesRestore
{
    // The cluster's superuser password lives in the cluster, not in the dump: an old copy would lock o4o out.
    private static readonly string[] _neverRestored = ["secrets/postgres.password"];

    // An archive's set-user-ID, set-group-ID and sticky bits are not restored: a restore runs as root.
    private const UnixFileMode PermissionBits = (UnixFileMode)0b111_111_111;

    public static async Task<int> RestoreAsync(O4OHome home, string archive, DateTimeOffset time, CancellationToken cancellationToken)
    {
        var manifest = await ArchiveReader.ReadManifestAsync(archive, cancellationToken);
        var stamp = time.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var staging = Path.Combine(home.Root, $".restore-staging-{stamp}");
        var replaced = Path.Combine(home.Root, $"replaced-{stamp}");
        var staged = new List<string>();
        try
        {
            // Past the dump when the archive allows it: a copy of an off-site archive holds only what comes after (ArchiveFilesFetch).
            await using (var tar = ArchiveReader.OpenAfterDump(archive, manifest.DatabaseMember, out var file, out _))
            await using (file)
            {
                while (await ArchiveReader.NextAsync(tar, archive, "a member", cancellationToken) is { } entry)
                {
                    if (!entry.Name.StartsWith(ArchiveName.FilesPrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    // Whatever it holds, nothing is written outside the staging directory: it is checked and staged first.
                    ArchiveReader.CheckSafe(archive, entry);
                    var member = manifest.Members.SingleOrDefault(listed => listed.Path == entry.Name)
                        ?? throw new BackupCorruptException(archive, $"member {entry.Name} is not in the manifest");
                    var relative = entry.Name[ArchiveName.FilesPrefix.Length..];
                    if (_neverRestored.Contains(relative) || IsArchiveKey(home, relative))
                    {
                        continue;
                    }

                    var target = MemberPath.Inside(staging, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await using (var output = new FileStream(target, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = entry.Mode & PermissionBits }))
                    using (var hashing = new HashingStream(output, leaveOpen: true))
                    {
                        if (entry.DataStream is not null)
                        {
                            await ArchiveReader.CopyAsync(entry.DataStream, hashing, archive, entry.Name, cancellationToken);
                        }

                        ArchiveReader.CheckMember(archive, entry.Name, member, hashing);
                        output.Flush(flushToDisk: true);
                    }

                    if (target == MemberPath.Inside(staging, Path.GetFileName(home.ConfigurationFile)))
                    {
                        await KeepLiveSecretsAsync(target, home.ConfigurationFile, cancellationToken);
                    }

                    staged.Add(relative);
                }
            }

            foreach (var relative in staged)
            {
                var destination = MemberPath.Inside(home.Root, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                if (File.Exists(destination))
                {
                    var keep = Path.Combine(replaced, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(keep)!);
                    File.Copy(destination, keep);
                }

                File.Move(Path.Combine(staging, relative), destination, overwrite: true);
                AtomicFile.FlushDirectory(Path.GetDirectoryName(destination)!);
            }

            return staged.Count;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    // Archive keys are never backed up (PlatformFiles): a member claiming to be one would replace the keys that open the
    // off-site copies, and new archives would be sealed with a key the operator's exported key file does not hold.
    private static bool IsArchiveKey(O4OHome home, string relative) =>
        MemberPath.Inside(home.Root, relative).StartsWith(Path.GetFullPath(ArchiveKeyStore.DirectoryFor(home)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>
    /// A configuration archived without its secrets gets the live file's secrets back (see
    /// <see cref="ConfigurationRedaction.KeepLiveSecrets"/>): restoring an archive must not replace a working webhook or
    /// password with the redaction marker.
    /// </summary>
    private static async Task KeepLiveSecretsAsync(string staged, string live, CancellationToken cancellationToken)
    {
        var archived = await File.ReadAllBytesAsync(staged, cancellationToken);
        if (!ConfigurationRedaction.IsRedacted(archived))
        {
            return;
        }

        var merged = ConfigurationRedaction.KeepLiveSecrets(archived, File.Exists(live) ? await File.ReadAllBytesAsync(live, cancellationToken) : null);
        await using var output = new FileStream(staged, FileMode.Truncate, FileAccess.Write);
        await output.WriteAsync(merged, cancellationToken);
        output.Flush(flushToDisk: true);
    }
}

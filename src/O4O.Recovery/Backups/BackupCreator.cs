using System.Diagnostics;
using System.Reflection;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Monitoring;
using O4O.Recovery.State;

namespace O4O.Recovery.Backups;

/// <summary>A finished backup.</summary>
/// <param name="ArchivePath">The archive's full path.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="Sha256">The SHA-256 of the whole archive file (the next archive's chain link).</param>
/// <param name="Size">The archive's size in bytes.</param>
public sealed record BackupResult(string ArchivePath, BackupManifest Manifest, string Sha256, long Size);

/// <summary>
/// <c>o4o backup create</c>: dumps the platform database in one snapshot, adds the platform's files and a manifest,
/// and publishes the archive by rename only once it is complete and on disk.
/// </summary>
/// <param name="home">The O4O home whose files are backed up.</param>
/// <param name="backupDirectory">Where archives live.</param>
/// <param name="server">The database server.</param>
/// <param name="time">The clock.</param>
public sealed class BackupCreator(O4OHome home, string backupDirectory, ResolvedDatabaseServer server, TimeProvider time)
{
    /// <summary>Files in the backup directory that only exist while a backup is being written.</summary>
    internal const string TemporaryPrefix = ".o4o-partial-";

    /// <summary>The room beyond the estimate a backup needs free before it starts (<c>Backup:SpaceMargin</c>, see <see cref="BackupSpace"/>).</summary>
    public double SpaceMargin { get; init; } = BackupOptions.DefaultSpaceMargin;

    /// <summary>Creates an archive.</summary>
    /// <param name="includeSecrets">Also back up <c>$O4O_HOME/secrets</c>.</param>
    /// <param name="knownHashes">SHA-256 of archives already known (the catalogue), to avoid rehashing the previous one.</param>
    /// <param name="progress">Receives uncompressed dump bytes read so far.</param>
    /// <param name="cancellationToken">Aborts the backup; nothing is left behind.</param>
    /// <exception cref="BackupFailedException">The directory is missing, the disk is full, pg_dump failed.</exception>
    /// <exception cref="LockHeldException">Another backup is running.</exception>
    /// <exception cref="DatabaseUnavailableException">The server cannot be reached.</exception>
    /// <exception cref="BackupWouldNotFitException">The directory has less room than the backup would need; nothing was written.</exception>
    public async Task<BackupResult> CreateAsync(bool includeSecrets, Func<string, string?>? knownHashes, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        BackupDirectory.EnsureExists(backupDirectory);

        using var backupLock = BackupDirectory.LockForWriting(backupDirectory);
        BackupDirectory.RemovePartialFiles(backupDirectory);
        if (await BackupSpace.MeasureAsync(backupDirectory, SpaceMargin, BackupSpace.DatabaseSize(server), cancellationToken) is { Fits: false } space)
        {
            throw new BackupWouldNotFitException(space);
        }

        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var stamp = UnusedStamp(started);
        var archive = Path.Combine(backupDirectory, ArchiveName.For(stamp));
        var partialArchive = Path.Combine(backupDirectory, $"{TemporaryPrefix}{Path.GetFileName(archive)}");
        try
        {
            var previous = ArchiveName.Newest(backupDirectory);
            var previousHash = previous is null ? null : Task.Run(() => HashOf(previous, knownHashes, cancellationToken), cancellationToken);
            var files = PlatformFiles.Collect(home, includeSecrets);
            var dumpMember = ArchiveName.DatabaseMember(stamp);
            BackupManifest manifest;
            (string Sha256, long Size) written;
            await using (var writer = ArchiveWriter.Create(partialArchive))
            {
                await using (var dump = await SnapshotDump.StartAsync(server, backupDirectory, progress, cancellationToken))
                {
                    BackupManifest Manifest(TimeSpan duration, IReadOnlyDictionary<string, long> counts, IEnumerable<ManifestMember> members, string? previousSha256, IReadOnlyList<DumpPartInfo> parts) =>
                        new(BackupManifest.CurrentFormat, started, duration,
                            $"{dump.ToolVersion}; o4o {typeof(BackupCreator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}",
                            dump.ServerVersion, server.DatabaseName, counts, [.. members],
                            previous is null ? null : Path.GetFileName(previous), previousSha256, parts);

                    // The manifest leads the archive but is known only at the end: room is left for the longest it can be.
                    var unknownHash = new string('f', 64);
                    var longest = Manifest(TimeSpan.MaxValue, dump.RowCounts.ToDictionary(count => count.Key, _ => long.MaxValue),
                        [.. files.Select(file => new ManifestMember(file.Path, long.MaxValue, unknownHash, FileEntropy.Longest)), new ManifestMember(dumpMember, long.MaxValue, unknownHash)],
                        previous is null ? null : unknownHash,
                        [.. dump.Sections.Zip(dump.Tables, (section, table) => new DumpPartInfo(section, long.MaxValue, long.MaxValue, unknownHash, long.MaxValue, table))]);
                    var parts = await dump.WriteToAsync(writer.BeginDump(longest.ToJson().Length), cancellationToken);

                    // The platform's files are described as late as possible: they go into the archive right after.
                    var described = await PlatformFiles.DescribeAsync(files, cancellationToken);
                    manifest = Manifest(clock.Elapsed, dump.RowCounts, [.. described, new ManifestMember(dumpMember, writer.DumpSize, writer.DumpSha256)],
                        previousHash is null ? null : await previousHash, parts);
                }

                written = await writer.FinishAsync(manifest.ToJson(), dumpMember, files, started, cancellationToken);
            }

            File.Move(partialArchive, archive);
            AtomicFile.FlushDirectory(backupDirectory);
            return new BackupResult(archive, manifest, written.Sha256, written.Size);
        }
        catch (IOException exception)
        {
            throw new BackupFailedException($"Writing the backup failed: {exception.Message}", exception);
        }
        finally
        {
            File.Delete(partialArchive);
        }
    }

    /// <summary>
    /// Two backups within one second would share a name: the later one takes the next free second. An archive kept only
    /// off-site still owns its name (its copy, its verification and its assessment are found by it), so a local archive
    /// deleted a moment ago does not free it.
    /// </summary>
    private DateTimeOffset UnusedStamp(DateTimeOffset started)
    {
        var stamp = new DateTimeOffset(started.UtcTicks - started.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var newestTaken = new OffsiteCopies(home.StateDatabase).All().Select(copy => copy.Name)
            .Concat(ArchiveName.ListArchives(backupDirectory).Select(Path.GetFileName).OfType<string>())
            .Select(name => ArchiveName.TryParseTime(name, out var made) ? made : DateTimeOffset.MinValue)
            .DefaultIfEmpty(DateTimeOffset.MinValue)
            .Max();
        return newestTaken >= stamp ? newestTaken.AddSeconds(1) : stamp;
    }

    private static async Task<string> HashOf(string archive, Func<string, string?>? knownHashes, CancellationToken cancellationToken) =>
        knownHashes?.Invoke(Path.GetFileName(archive)) ?? await HashingStream.FileSha256Async(archive, cancellationToken);
}

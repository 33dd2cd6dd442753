using System.IO.Compression;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Restore;

/// <summary>
/// Loads an archive's dump into an empty database and proves it complete: the dump member's checksum and every
/// table's row count must equal the manifest's. A restore that silently misses rows cannot pass this.
/// </summary>
internal static class ArchiveLoad
{
    /// <summary>Loads <paramref name="archive"/> into <paramref name="database"/> (which must be empty) and verifies it.</summary>
    /// <param name="server">The server.</param>
    /// <param name="archive">The archive.</param>
    /// <param name="database">The database to load.</param>
    /// <param name="databaseCreated">Completes once <paramref name="database"/> exists; the archive is read meanwhile.</param>
    /// <param name="progress">Receives the uncompressed bytes loaded so far.</param>
    /// <param name="cancellationToken">Abandons the load.</param>
    /// <returns>The archive's manifest.</returns>
    /// <exception cref="BackupCorruptException">The archive is damaged or its dump does not match the manifest.</exception>
    /// <exception cref="RestoreFailedException">Loading failed, or the row counts differ from the manifest.</exception>
    public static async Task<BackupManifest> LoadAndVerifyAsync(ResolvedDatabaseServer server, string archive, string database, Task databaseCreated,
        IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var manifest = await ArchiveReader.ReadManifestAsync(archive, cancellationToken);

        // The platform files are put back after the swap: a link or a device among them must stop the restore before it.
        var filesSafe = Task.Run(() => ArchiveReader.CheckMembersAfterDumpAsync(archive, manifest.DatabaseMember, cancellationToken), cancellationToken);
        try
        {
            if (manifest.DatabaseParts is { Count: > 0 })
            {
                // Indexes, keys and the rest of the post-data section change no row count: the counting runs beside them.
                await PartedLoad.LoadAsync(server, archive, manifest, database, databaseCreated, progress,
                    () => VerifyRowCountsAsync(server, database, manifest, cancellationToken), cancellationToken);
            }
            else
            {
                await databaseCreated;
                await LoadSequentiallyAsync(server, archive, manifest, database, progress, cancellationToken);
                await VerifyRowCountsAsync(server, database, manifest, cancellationToken);
            }
        }
        finally
        {
            await filesSafe.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await filesSafe;
        return manifest;
    }

    /// <summary>A dump without part offsets (made by hand, or by pg_dump alone) is read front to back.</summary>
    private static async Task LoadSequentiallyAsync(ResolvedDatabaseServer server, string archive, BackupManifest manifest, string database, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var member = manifest.DatabaseMember;
        await using var opened = await ArchiveReader.OpenMemberAsync(archive, member.Path, cancellationToken);
        using var hashing = new HashingStream(opened.Data, leaveOpen: true);
        await using (var sql = new GZipStream(hashing, CompressionMode.Decompress, leaveOpen: true))
        await using (var loader = new DumpLoader(server, database, Math.Max(2, Environment.ProcessorCount)))
        {
            try
            {
                await loader.LoadAsync(sql, progress, cancellationToken);
            }
            catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
            {
                throw new BackupCorruptException(archive, $"member {member.Path} is damaged or truncated ({exception.Message})");
            }
        }

        await hashing.CopyToAsync(Stream.Null, cancellationToken);
        ArchiveReader.CheckMember(archive, member.Path, member, hashing);
    }

    private static Task VerifyRowCountsAsync(ResolvedDatabaseServer server, string database, BackupManifest manifest, CancellationToken cancellationToken) =>
        VerifyRowCountsAsync(server, database, manifest.RowCounts, "the manifest", cancellationToken);

    /// <summary>Every table of <paramref name="database"/> must hold the rows <paramref name="expected"/> says, and no other table may be there.</summary>
    /// <param name="server">The server.</param>
    /// <param name="database">The loaded database.</param>
    /// <param name="expected">Rows per <c>schema.table</c>.</param>
    /// <param name="source">What the counts come from, as a message names it (<c>the manifest</c>).</param>
    /// <param name="cancellationToken">Stops counting.</param>
    /// <exception cref="RestoreFailedException">A table is missing, extra, or holds other rows.</exception>
    internal static async Task VerifyRowCountsAsync(ResolvedDatabaseServer server, string database, IReadOnlyDictionary<string, long> expected, string source,
        CancellationToken cancellationToken)
    {
        var counts = await TableCounter.CountInParallelAsync(server.ConnectionString(database), Math.Max(2, Environment.ProcessorCount), cancellationToken);
        foreach (var (table, rows) in expected)
        {
            var actual = counts.GetValueOrDefault(table, -1);
            if (actual != rows)
            {
                throw new RestoreFailedException(actual < 0
                    ? $"Verification failed: table {table} is missing after the load."
                    : $"Verification failed: table {table} has {actual} rows, {source} says {rows}.");
            }
        }

        if (counts.Keys.Except(expected.Keys).FirstOrDefault() is { } extra)
        {
            throw new RestoreFailedException($"Verification failed: table {extra} is not in {source}.");
        }
    }
}

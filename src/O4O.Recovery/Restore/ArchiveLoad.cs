using System.IO.Compression;
using Npgsql;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Restore;

/// <summary>
/// Loads an archive's dump into an empty database and proves it complete: the dump member's checksum and every
/// table's row count must equal the manifest's. A restore that silently misses rows cannot pass this.
/// </summary>
public static class ArchiveLoad
{
    /// <summary>Loads <paramref name="archive"/> into <paramref name="database"/> (which must exist and be empty) and verifies it.</summary>
    /// <returns>The archive's manifest.</returns>
    /// <exception cref="BackupCorruptException">The archive is damaged or its dump does not match the manifest.</exception>
    /// <exception cref="RestoreFailedException">Loading failed, or the row counts differ from the manifest.</exception>
    public static async Task<BackupManifest> LoadAndVerifyAsync(DatabaseServer server, string archive, string database, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var manifest = await ArchiveReader.ReadManifestAsync(archive, cancellationToken);
        var member = manifest.DatabaseMember;
        await using (var tar = ArchiveReader.Open(archive, out var file))
        await using (file)
        {
            var entry = await ArchiveReader.NextAsync(tar, archive, ArchiveName.ManifestMember, cancellationToken);
            while (entry is not null && entry.Name != member.Path)
            {
                entry = await ArchiveReader.NextAsync(tar, archive, $"the member after {entry.Name}", cancellationToken);
            }

            if (entry?.DataStream is null)
            {
                throw new BackupCorruptException(archive, $"member {member.Path} is missing (archive truncated?)");
            }

            using var hashing = new HashingStream(entry.DataStream, leaveOpen: true);
            await using (var sql = new GZipStream(hashing, CompressionMode.Decompress, leaveOpen: true))
            await using (var loader = new DumpLoader(server, database))
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

        await VerifyRowCountsAsync(server, database, manifest, cancellationToken);
        return manifest;
    }

    private static async Task VerifyRowCountsAsync(DatabaseServer server, string database, BackupManifest manifest, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString(database));
        await connection.OpenAsync(cancellationToken);
        var counts = await TableCounter.CountAsync(connection, null, cancellationToken);
        foreach (var (table, expected) in manifest.RowCounts)
        {
            var actual = counts.GetValueOrDefault(table, -1);
            if (actual != expected)
            {
                throw new RestoreFailedException(actual < 0
                    ? $"Verification failed: table {table} is missing after the load."
                    : $"Verification failed: table {table} has {actual} rows, the manifest says {expected}.");
            }
        }

        if (counts.Keys.Except(manifest.RowCounts.Keys).FirstOrDefault() is { } extra)
        {
            throw new RestoreFailedException($"Verification failed: table {extra} is not in the manifest.");
        }
    }
}

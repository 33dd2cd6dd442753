using O4O.Recovery.Backups;
using O4O.Recovery.IO;

namespace O4O.Recovery.Restore;

/// <summary>
/// Loads a dump whose manifest says where its pg_dump parts lie: the schema first, then every data part at once —
/// each on its own connection, decompressed by its own reader from its own offset, so no two connections write the
/// same table — while <see cref="PostData"/> builds each table's indexes and keys as soon as their data is in.
/// Each part's checksum is checked as it is read.
/// </summary>
internal static class PartedLoad
{
    /// <summary>
    /// Loads the dump into <paramref name="database"/> once <paramref name="databaseCreated"/> completes (the archive is
    /// read meanwhile); <paramref name="dataLoaded"/> starts once every row is in and runs beside the post-data work.
    /// </summary>
    public static async Task LoadAsync(ResolvedDatabaseServer server, string archive, BackupManifest manifest, string database, Task databaseCreated,
        IProgress<long>? progress, Func<Task> dataLoaded, CancellationToken cancellationToken)
    {
        var parts = manifest.DatabaseParts!;
        CheckTiling(archive, manifest, parts);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tablesExist = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var postDataReady = new TaskCompletionSource<PostData>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loaded = new long[parts.Count];
        var running = new List<Task>();
        PostData? postData = null;
        try
        {
            // The post-data part is read while the database is created and the schema loads.
            var postDataPart = Task.Run(() => ReadPartAsync(server, archive, manifest, parts[^1], database, null, null, abandon.Token), abandon.Token);
            running.Add(postDataPart);
            var (session, schema, _) = await ReadPartAsync(server, archive, manifest, parts[0], database, null, null, abandon.Token);
            await databaseCreated;

            // The data parts connect and start reading while psql creates the tables; only their first COPY waits for it.
            var data = parts.Select((part, index) => (part, index)).Where(item => item.part.Section == "data").Select(item => Task.Run(async () =>
            {
                var result = await ReadPartAsync(server, archive, manifest, item.part, database, tablesExist.Task, progress is null ? null : new Progress<long>(bytes =>
                {
                    Interlocked.Exchange(ref loaded[item.index], bytes);
                    progress.Report(loaded.Sum());
                }), abandon.Token);
                (await postDataReady.Task).TablesLoaded(result.Tables);
                return result;
            }, abandon.Token)).ToList();
            running.AddRange(data);

            await Psql.RunAsync(server, database, schema, abandon.Token);
            tablesExist.SetResult();
            postData = new PostData(server, database, session, (await postDataPart).Statements, Math.Max(2, Environment.ProcessorCount), abandon.Token);
            postDataReady.SetResult(postData);
            var parted = await Task.WhenAll(data);
            await Task.WhenAll(dataLoaded(), postData.CompleteAsync(string.Concat(parted.Select(part => part.Statements))));
        }
        catch
        {
            // The first failure is the one reported; the reads and loads still running stop before the database is dropped.
            await abandon.CancelAsync();
            tablesExist.TrySetCanceled(abandon.Token);
            postDataReady.TrySetCanceled(abandon.Token);
            await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
            throw;
        }
        finally
        {
            if (postData is not null)
            {
                await postData.DisposeAsync();
            }
        }
    }

    /// <summary>Loads one part's COPY data and returns its session settings, its other statements and the tables it loaded.</summary>
    private static async Task<(string Session, string Statements, HashSet<string> Tables)> ReadPartAsync(ResolvedDatabaseServer server, string archive, BackupManifest manifest,
        DumpPartInfo part, string database, Task? tablesExist, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var member = manifest.DatabaseMember;
        await using var opened = await ArchiveReader.OpenDumpAtAsync(archive, member, part.Offset, cancellationToken);
        using var hashing = new HashingStream(new SliceStream(opened.Data, part.Length));
        await using var loader = new DumpLoader(server, database, 1, tablesExist);
        string statements;
        try
        {
            await using var sql = GzipMemberReader.Open(hashing);
            statements = await loader.LoadPartAsync(sql, progress, cancellationToken);
            await hashing.CopyToAsync(Stream.Null, cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            throw new BackupCorruptException(archive, $"member {member.Path} is damaged or truncated ({exception.Message})");
        }

        if (hashing.BytesSeen != part.Length || hashing.Sha256() != part.Sha256)
        {
            throw new BackupCorruptException(archive, $"member {member.Path} does not match its checksum in the manifest (altered or damaged at byte {part.Offset} or later)");
        }

        return (loader.Session, statements, loader.Tables);
    }

    /// <summary>The parts must cover the member exactly, schema first and indexes last, or their checksums prove nothing about it.</summary>
    private static void CheckTiling(string archive, BackupManifest manifest, IReadOnlyList<DumpPartInfo> parts)
    {
        var next = 0L;
        foreach (var part in parts)
        {
            if (part.Offset != next)
            {
                throw new BackupCorruptException(archive, "the manifest's dump parts do not cover the dump member");
            }

            next += part.Length;
        }

        if (next != manifest.DatabaseMember.Size || parts.Count < 2 || parts[0].Section != "pre-data" || parts[^1].Section != "post-data")
        {
            throw new BackupCorruptException(archive, "the manifest's dump parts do not cover the dump member");
        }
    }
}

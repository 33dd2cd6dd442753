using O4O.Recovery.Backups;
using O4O.Recovery.IO;

namespace O4O.Recovery.Restore;

/// <summary>Reads part <paramref name="index"/> of a dump into <paramref name="loader"/> (<see cref="DumpLoader.LoadPartAsync"/>) and returns its other statements.</summary>
internal delegate Task<string> DumpPartReader(int index, DumpLoader loader, CancellationToken cancellationToken);

/// <summary>
/// Loads a dump whose manifest says where its pg_dump parts lie: the schema first, then every data part at once —
/// each on its own connection, decompressed by its own reader from its own offset, so no two connections write the
/// same table — while <see cref="PostData"/> builds each table's indexes and keys as soon as their data is in.
/// The side copy of a point-in-time restore loads its pg_dump parts the same way (<see cref="LoadPartsAsync"/>).
/// Each part's checksum is checked as it is read.
/// </summary>
internal static class PartedLoad
{
    /// <summary>
    /// Loads the dump into <paramref name="database"/> once <paramref name="databaseCreated"/> completes (the archive is
    /// read meanwhile); <paramref name="dataLoaded"/> starts once every row is in and runs beside the post-data work.
    /// </summary>
    public static Task LoadAsync(ResolvedDatabaseServer server, string archive, BackupManifest manifest, string database, Task databaseCreated,
        IProgress<long>? progress, Func<Task> dataLoaded, CancellationToken cancellationToken)
    {
        var parts = manifest.DatabaseParts!;
        CheckTiling(archive, manifest, parts);
        var loaded = new long[parts.Count];
        return LoadPartsAsync(server, database, databaseCreated, [.. parts.Select(part => part.Section)], ConnectionsPerPart(parts, Math.Max(2, Environment.ProcessorCount)),
            (index, loader, token) => ReadPartAsync(archive, manifest, parts[index], loader, progress is null || parts[index].Section != "data" ? null : new Progress<long>(bytes =>
            {
                Interlocked.Exchange(ref loaded[index], bytes);
                progress.Report(loaded.Sum());
            }), token),
            dataLoaded, cancellationToken);
    }

    /// <summary>
    /// Loads a dump read in parts — <paramref name="sections"/> names each part's section: the schema first, the
    /// indexes and keys last, data between — into <paramref name="database"/> once <paramref name="databaseCreated"/>
    /// completes; <paramref name="readPart"/> reads one part into the loader it is given. Every data part loads on its own
    /// connections — <paramref name="connections"/> says how many, one each when null — and each table's indexes are built
    /// the moment its rows are in.
    /// </summary>
    internal static async Task LoadPartsAsync(ResolvedDatabaseServer server, string database, Task databaseCreated, IReadOnlyList<string> sections,
        IReadOnlyList<int>? connections, DumpPartReader readPart, Func<Task> dataLoaded, CancellationToken cancellationToken)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tablesExist = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new List<Task>();
        PostData? postData = null;
        try
        {
            // The post-data part is read while the database is created and the schema loads.
            var postDataPart = Task.Run(() => ReadAsync(sections.Count - 1, null, null), abandon.Token);
            running.Add(postDataPart);
            var (session, schema) = await ReadAsync(0, null, null);
            await databaseCreated;

            // The data parts connect and start reading while psql creates the tables; only their first COPY waits for it,
            // and the post-data work exists by then.
            var data = Enumerable.Range(0, sections.Count).Where(index => sections[index] == "data")
                .Select(index => Task.Run(() => ReadAsync(index, tablesExist.Task, table => postData!.TablesLoaded([table])), abandon.Token)).ToList();
            running.AddRange(data);

            await Psql.RunAsync(server, database, SchemaTransactions.Batched(schema), abandon.Token);
            postData = new PostData(server, database, session, (await postDataPart).Statements, Math.Max(2, Environment.ProcessorCount), abandon.Token);
            tablesExist.SetResult();
            var parted = await Task.WhenAll(data);
            await Task.WhenAll(dataLoaded(), postData.CompleteAsync(string.Concat(parted.Select(part => part.Statements))));
        }
        catch
        {
            // The first failure is the one reported; the reads and loads still running stop before the database is dropped.
            await abandon.CancelAsync();
            tablesExist.TrySetCanceled(abandon.Token);
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

        async Task<(string Session, string Statements)> ReadAsync(int index, Task? waitForTables, Action<string>? tableLoaded)
        {
            await using var loader = new DumpLoader(server, database, connections?[index] ?? 1, waitForTables, tableLoaded);
            var statements = await readPart(index, loader, abandon.Token);
            return (loader.Session, statements);
        }
    }

    /// <summary>
    /// How many connections load each part. A part of one table that holds more than two thirds of the data bytes would
    /// keep one core busy long after the other parts are in, the others idle: it gets one connection per core. Its rows are
    /// then not written frozen (two transactions cannot both empty the table they load), which costs less than the idle
    /// cores. Below that the other parts keep the other cores about as busy (the benchmark's four tables: the largest holds
    /// 51 %), and freezing wins. A part of several tables keeps one connection, so that each of its tables is loaded frozen
    /// and indexed the moment it is in.
    /// </summary>
    internal static int[] ConnectionsPerPart(IReadOnlyList<DumpPartInfo> parts, int cores)
    {
        static long Bytes(DumpPartInfo part) => part.UncompressedLength ?? part.Length;
        var data = parts.Where(part => part.Section == "data").Sum(Bytes);
        return [.. parts.Select(part => part is { Section: "data", Table: not null } && 3 * Bytes(part) > 2 * data ? cores : 1)];
    }

    /// <summary>Loads one part's COPY data into <paramref name="loader"/> and returns its other statements, checking the part against the manifest.</summary>
    private static async Task<string> ReadPartAsync(string archive, BackupManifest manifest, DumpPartInfo part, DumpLoader loader, IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        var member = manifest.DatabaseMember;
        await using var opened = await ArchiveReader.OpenDumpAtAsync(archive, member, part.Offset, cancellationToken);
        using var hashing = new HashingStream(new SliceStream(opened.Data, part.Length));
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

        return statements;
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

using O4O.Recovery.Restore;
using O4O.Recovery.State;

namespace O4O.Recovery.Backups;

/// <summary>The outcome of verifying one archive.</summary>
/// <param name="Archive">The archive's file name.</param>
/// <param name="Passed">True when checksums, chain and test restore all passed.</param>
/// <param name="Failure">What failed, naming the member or link; null when it passed.</param>
/// <param name="Note">What could not be checked, and why (an archive made before o4o recorded whole-file hashes).</param>
public sealed record VerifyResult(string Archive, bool Passed, string? Failure, string? Note = null);

/// <summary>
/// <c>o4o backup verify</c>: a verification that proves a restore works — every member's checksum, the hash chain,
/// then a real restore into a scratch database whose row counts must equal the manifest's. Results go to the catalogue.
/// </summary>
/// <param name="backupDirectory">Where archives live.</param>
/// <param name="server">The server that hosts the scratch database.</param>
/// <param name="catalogue">Where results are recorded.</param>
/// <param name="time">The clock.</param>
public sealed class BackupVerifier(string backupDirectory, ResolvedDatabaseServer server, BackupCatalogue catalogue, TimeProvider time)
{
    private const string ScratchPrefix = "o4o_verify_";

    /// <summary>Verifies the archive named <paramref name="name"/> (file name, with or without <c>.tar.gz</c>).</summary>
    /// <exception cref="LockHeldException">Another verification is running.</exception>
    /// <exception cref="DatabaseUnavailableException">The server cannot be reached.</exception>
    public async Task<VerifyResult> VerifyAsync(string name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var archive = ArchiveLocator.Find(backupDirectory, name);
        using var verifyLock = ExclusiveLock.Acquire(Path.Combine(backupDirectory, ".o4o-verify.lock"),
            $"Another verification is already running in {backupDirectory}; wait for it to finish.");
        await using var admin = await RestoreDatabases.OpenAdminAsync(server, cancellationToken);
        await DropLeftoverScratchAsync(admin, cancellationToken);
        VerifyResult result;
        try
        {
            // Damage inside a member is named by the member, then what lies between and after them, then the whole file.
            var manifest = await ArchiveReader.CheckMembersAsync(archive, cancellationToken);
            var laidOutByO4O = ArchiveFraming.CheckStoredMembers(archive);
            var note = await CheckWholeFileAsync(archive, laidOutByO4O, cancellationToken);
            if (BackupChain.LinkProblem(backupDirectory, manifest, HashOf) is { } broken)
            {
                throw new BackupCorruptException(archive, broken);
            }

            var scratch = ScratchPrefix + Guid.NewGuid().ToString("N")[..16];
            await RestoreDatabases.CreateAsync(admin, scratch, cancellationToken);
            try
            {
                await ArchiveLoad.LoadAndVerifyAsync(server, archive, scratch, Task.CompletedTask, progress, cancellationToken);
            }
            finally
            {
                await RestoreDatabases.DropAsync(admin, scratch, CancellationToken.None);
            }

            result = new VerifyResult(Path.GetFileName(archive), true, null, note);
        }
        catch (Exception exception) when (exception is BackupCorruptException or RestoreFailedException)
        {
            result = new VerifyResult(Path.GetFileName(archive), false, exception.Message);
        }

        await catalogue.SyncAsync(cancellationToken);
        catalogue.RecordVerification(result.Archive, time.GetUtcNow(), result.Passed, result.Failure);
        return result;
    }

    /// <summary>
    /// The archive's bytes, beyond what its members' checksums and gzip trailers cover: its SHA-256 against the one
    /// recorded when it was written (catalogue) and the next archive's chain link. Returns a note of what could not be checked.
    /// </summary>
    private async Task<string?> CheckWholeFileAsync(string archive, bool laidOutByO4O, CancellationToken cancellationToken)
    {
        var sha256 = await HashingStream.FileSha256Async(archive, cancellationToken);
        var name = Path.GetFileName(archive);
        var records = new List<(string Source, string Sha256)>();
        if (catalogue.WrittenHash(name) is { } written)
        {
            records.Add(("the one recorded when it was written", written));
        }

        if (await NextLinkAsync(name, cancellationToken) is { } link)
        {
            records.Add(link);
        }

        if (records.FirstOrDefault(record => record.Sha256 != sha256).Source is { } source)
        {
            throw new BackupCorruptException(archive, $"its bytes changed since it was written: its SHA-256 is not {source}");
        }

        var unrecorded = records.Count == 0
            ? "no SHA-256 of the whole file was recorded when it was written (an older o4o's archive, or the catalogue was rebuilt): its members were checked one by one"
            : null;
        var foreign = laidOutByO4O ? null : "it is not laid out as o4o writes archives (recompressed?): its gzip layer was checked by decompressing it";
        return unrecorded is null || foreign is null ? unrecorded ?? foreign : $"{unrecorded}; {foreign}";
    }

    /// <summary>The next archive's record of this one's SHA-256, when it follows this one in the hash chain.</summary>
    private async Task<(string Source, string Sha256)?> NextLinkAsync(string name, CancellationToken cancellationToken)
    {
        var next = ArchiveName.ListArchives(backupDirectory).FirstOrDefault(other => string.CompareOrdinal(Path.GetFileName(other), name) > 0);
        try
        {
            return next is not null && await ArchiveReader.ReadManifestAsync(next, cancellationToken) is { PreviousArchiveSha256: { } link } manifest
                && manifest.PreviousArchive == name
                ? ($"the one {Path.GetFileName(next)} records in the hash chain", link)
                : null;
        }
        catch (BackupCorruptException)
        {
            // A damaged successor is its own verification's failure, not this archive's.
            return null;
        }
    }

    private string HashOf(string name)
    {
        if (catalogue.KnownHash(name) is { } known)
        {
            return known;
        }

        using var file = File.OpenRead(Path.Combine(backupDirectory, name));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
    }

    /// <summary>A verification killed mid-way leaves its scratch database; the next one (holding the lock) removes it.</summary>
    private static async Task DropLeftoverScratchAsync(Npgsql.NpgsqlConnection admin, CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'o4o\\_verify\\_%'", admin);
        var leftovers = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                leftovers.Add(reader.GetString(0));
            }
        }

        foreach (var leftover in leftovers)
        {
            if (await RestoreDatabases.IsOursAsync(admin, leftover, cancellationToken))
            {
                await RestoreDatabases.DropAsync(admin, leftover, cancellationToken);
            }
        }
    }
}

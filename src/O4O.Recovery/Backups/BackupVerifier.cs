using O4O.Recovery.Restore;
using O4O.Recovery.State;

namespace O4O.Recovery.Backups;

/// <summary>The outcome of verifying one archive.</summary>
/// <param name="Archive">The archive's file name.</param>
/// <param name="Passed">True when checksums, chain and test restore all passed.</param>
/// <param name="Failure">What failed, naming the member or link; null when it passed.</param>
public sealed record VerifyResult(string Archive, bool Passed, string? Failure);

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
            var manifest = await ArchiveReader.CheckMembersAsync(archive, cancellationToken);
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

            result = new VerifyResult(Path.GetFileName(archive), true, null);
        }
        catch (Exception exception) when (exception is BackupCorruptException or RestoreFailedException)
        {
            result = new VerifyResult(Path.GetFileName(archive), false, exception.Message);
        }

        await catalogue.SyncAsync(cancellationToken);
        catalogue.RecordVerification(result.Archive, time.GetUtcNow(), result.Passed, result.Failure);
        return result;
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

using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.State;

namespace O4O.Recovery.Offsite;

/// <summary>
/// <c>o4o backup verify --offsite NAME</c>: downloads the archive's copy from the bucket into a scratch directory under
/// <c>offsite-staging/</c>, checks its SHA-256 against the one recorded at its upload, decrypts it (a changed byte does
/// not authenticate) and runs <see cref="BackupVerifier"/>'s checks and test restore on what came out, with the SHA-256
/// the archive had when it was written. Nothing of it is kept (but by <see cref="FetchAsync"/>, until disposed); the local archive and its
/// catalogue entry are not touched.
/// </summary>
public sealed class OffsiteVerifier(O4OHome home, OffsiteOptions options, ResolvedDatabaseServer server, BackupCatalogue catalogue, TimeProvider time)
{
    /// <summary>Verifies the off-site copy of <paramref name="name"/> (file name, with or without <c>.tar.gz</c>).</summary>
    /// <exception cref="OffsiteException">The bucket cannot be reached or holds no copy of it.</exception>
    /// <exception cref="ArchiveKeyFileException">The key ring is damaged.</exception>
    public async Task<VerifyResult> VerifyAsync(string name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var fetched = await FetchAsync(name, progress, cancellationToken);
        return fetched.Result;
    }

    /// <summary>
    /// Verifies the off-site copy of <paramref name="name"/> as <see cref="VerifyAsync"/> does, keeping what it decrypted for a
    /// restore (<see cref="FetchedArchive.Archive"/>) until the result is disposed.
    /// </summary>
    /// <exception cref="OffsiteException">The bucket cannot be reached or holds no copy of it.</exception>
    /// <exception cref="ArchiveKeyFileException">The key ring is damaged.</exception>
    public async Task<FetchedArchive> FetchAsync(string name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        name = name.EndsWith(".tar.gz", StringComparison.Ordinal) ? name : name + ".tar.gz";
        var scratch = Path.Combine(ArchiveUpload.StagingDirectory(home), "verify-" + Guid.NewGuid().ToString("N")[..12]);
        PrivateFiles.CreateDirectory(scratch);
        var fetched = new FetchedArchive(scratch, Path.Combine(scratch, name));
        try
        {
            fetched.Result = await VerifyInAsync(scratch, name, progress, cancellationToken);
            return fetched;
        }
        catch
        {
            fetched.Dispose();
            throw;
        }
    }

    private async Task<VerifyResult> VerifyInAsync(string scratch, string name, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var sealedCopy = Path.Combine(scratch, name + ".sealed");
        var (recorded, damaged) = await DownloadAsync(name, sealedCopy, cancellationToken);
        if (damaged is not null)
        {
            return new VerifyResult(name, false, $"{name}: the off-site copy is not what the server stored: {damaged}");
        }

        var sha256 = await HashingStream.FileSha256Async(sealedCopy, cancellationToken);
        if (sha256 != recorded)
        {
            return new VerifyResult(name, false, $"{name}: the off-site copy's SHA-256 is {sha256}, not the {recorded ?? "(none)"} recorded at its upload");
        }

        var archive = Path.Combine(scratch, name);
        try
        {
            await using var input = File.OpenRead(sealedCopy);
            await using var output = new FileStream(archive, PrivateFiles.CreateNew(FileAccess.Write, 1 << 20));
            await ArchiveCipher.DecryptAsync(input, output, ArchiveKeyStore.Load(home)
                ?? throw new OffsiteException($"there is no archive key ring in {ArchiveKeyStore.PathFor(home)} to decrypt the off-site copy with"), cancellationToken);
        }
        catch (SealedArchiveException sealedFailure)
        {
            return new VerifyResult(name, false, $"{name}: the off-site copy does not decrypt: {sealedFailure.Message}");
        }

        File.Delete(sealedCopy);
        return await VerifyDecryptedAsync(scratch, archive, progress, cancellationToken);
    }

    /// <summary>The copy's download, with the SHA-256 recorded at its upload here when this machine made it.</summary>
    private async Task<(string? Recorded, string? Damaged)> DownloadAsync(string name, string destination, CancellationToken cancellationToken)
    {
        using var bucket = OffsiteBucket.Open(home, options);
        var copy = new OffsiteCopies(home.StateDatabase).Find(name) is { Complete: true } complete ? complete : null;
        return await OffsiteDownload.DownloadAsync(bucket, copy?.ObjectKey ?? bucket.ArchiveKey(name), name, copy?.Sha256, destination, null, cancellationToken);
    }

    // The scratch directory holds this archive alone: its own catalogue knows the SHA-256 it was written with, and the
    // archive before it is absent on purpose (the local verification checks that link).
    private async Task<VerifyResult> VerifyDecryptedAsync(string scratch, string archive, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(archive);
        var scratchCatalogue = new BackupCatalogue(Path.Combine(scratch, "state.db"), scratch);
        try
        {
            var manifest = await ArchiveReader.ReadManifestAsync(archive, cancellationToken);
            if (catalogue.WrittenHash(name) is { } written)
            {
                scratchCatalogue.Record(new BackupResult(archive, manifest, written, new FileInfo(archive).Length));
            }

            if (manifest.PreviousArchive is { } previous)
            {
                BackupChain.RecordPruned(scratch, previous);
            }
        }
        catch (BackupCorruptException corrupt)
        {
            return new VerifyResult(name, false, corrupt.Message);
        }

        return await new BackupVerifier(scratch, server, scratchCatalogue, time).VerifyAsync(name, progress, cancellationToken);
    }
}

using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Offsite;

/// <summary>
/// <c>o4o restore --from s3://BUCKET/PREFIX --key-file KEY</c>, the runbook's scenario 3 on a new machine: from the bucket alone
/// and the operator's key file, a home that <c>o4o up</c> serves as the lost one. The database comes from the newest physical
/// set in pgBackRest's off-site repository replayed to the end of the archived WAL (<see cref="OffsiteClusterRecovery"/>), or,
/// without one, from the newest archive (<see cref="DatabaseRestore"/> into a new cluster); the configuration, the secrets that
/// were backed up and the platform files from the newest archive (<see cref="PlatformFilesRestore"/>); the key file becomes the
/// home's key ring, so new copies go on with the same keys and repository passphrase. Everything is built in a staged home
/// (<see cref="HomeStaging"/>) renamed into place at the end: a failure anywhere leaves the home as it was.
/// </summary>
public sealed class BareMachineRestore(O4OHome home, OffsiteSource source, OffsiteOptions offsite, DatabaseOptions database, ArchivingOptions archiving,
    TimeProvider time)
{
    /// <summary>Restores with <paramref name="keys"/>; <paramref name="replace"/> allows a home that holds files, which are kept aside.</summary>
    /// <exception cref="RestoreRefusedException">The home holds files and <paramref name="replace"/> is false, or the database is not a managed cluster.</exception>
    /// <exception cref="OffsiteException">The bucket cannot be read, or holds no backup under the prefix.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The <c>Offsite</c> settings are not valid.</exception>
    /// <exception cref="ConductorAlreadyRunningException">A conductor runs on the home.</exception>
    /// <exception cref="PgBackRestException">The off-site repository could not be read or restored (a wrong passphrase, say).</exception>
    /// <exception cref="SealedArchiveException">The archive does not open with the key file.</exception>
    /// <exception cref="BackupCorruptException">The archive is not what was uploaded, or is damaged.</exception>
    public async Task<BareMachineOutcome> RunAsync(ArchiveKeyRing keys, bool replace, IBareMachineProgress progress, CancellationToken cancellationToken)
    {
        if (!database.IsManaged)
        {
            throw new RestoreRefusedException($"restore --from brings back the managed cluster; {DatabaseOptions.Section}:ConnectionString names another server: unset it.");
        }

        var bucketOptions = source.Apply(offsite);
        if (!bucketOptions.Enabled)
        {
            throw new RestoreRefusedException($"restore --from {source} needs the bucket's endpoint: set {O4OConfiguration.EnvironmentPrefix}{OffsiteOptions.Section}__Endpoint (and its credentials).");
        }

        bucketOptions.ThrowIfInvalid();

        home.EnsureCreated();
        using var conductor = ConductorLock.Acquire(home);
        if (HomeStaging.Contents(home) is [_, ..] held && !replace)
        {
            throw new RestoreRefusedException($"O4O_HOME {home.Root} is not empty (it holds {string.Join(", ", held)}): pass --yes to restore over it; what it holds is kept under replaced-<time>/.");
        }

        progress.Step(BareMachineStep.Listing, source.ToString());
        using var bucket = OffsiteBucket.Open(home, bucketOptions);
        var archives = await OffsiteArchiveFetch.ListAsync(bucket, cancellationToken);
        await using var staging = await HomeStaging.CreateAsync(home, cancellationToken);
        var staged = staging.Staged;
        PrivateFiles.CreateDirectory(ArchiveKeyStore.DirectoryFor(staged));
        AtomicFile.WriteAllBytes(ArchiveKeyStore.PathFor(staged), keys.ToFile());
        AtomicFile.WriteAllText(staged.PostgresPasswordFile, ManagedCluster.NewPassword());
        var pgBackRest = PgBackRest.For(staged);
        await pgBackRest.ConfigureAsync(staged.PostgresData, database.Port, archiving, bucketOptions, cancellationToken);
        // Without the repository's passphrase the off-site sets cannot be opened: the archive is what there is.
        var set = keys.RepositoryPassphrase is null ? null : (await pgBackRest.InfoAsync(PgBackRestOffsite.Remote, cancellationToken)).Backups is [.., var newest] ? newest : null;
        if (set is null && archives.Count == 0)
        {
            throw new OffsiteException($"{source} holds no backup: no physical backup set in its pgbackrest/ repository and no archive under {bucket.ArchivesFolder}.");
        }

        string? archive = null;
        if (archives.Count > 0)
        {
            progress.Step(BareMachineStep.Download, archives[0]);
            var downloads = Path.Combine(staged.Root, "downloads");
            PrivateFiles.CreateDirectory(downloads);
            // Beside a physical set only the archive's configuration and files are needed: only the chunks that hold them come down.
            archive = (set is null ? null : await ArchiveFilesFetch.FetchAsync(bucket, archives[0], keys, downloads, cancellationToken))
                ?? await progress.TransferAsync(archives[0], bytes => OffsiteArchiveFetch.FetchAsync(bucket, archives[0], keys, downloads, bytes, cancellationToken));
        }

        var binaries = PostgresBinaries.Locate(database.BinDirectory);
        DateTimeOffset? lastTransaction = null;
        if (set is not null)
        {
            progress.Step(BareMachineStep.RestoreSet, set.Label);
            lastTransaction = await OffsiteClusterRecovery.RecoverAsync(staged, home, set, binaries, PointInTimeRestore.ReplayTimeout, cancellationToken);
            progress.Step(BareMachineStep.Replayed, lastTransaction?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
            if (archive is not null)
            {
                progress.Step(BareMachineStep.Files, archives[0]);
                await PlatformFilesRestore.RestoreAsync(staged, archive, time.GetUtcNow(), cancellationToken);
            }
        }
        else
        {
            progress.Step(BareMachineStep.Load, archives[0]);
            await LoadAsync(staged, archive!, binaries, progress, cancellationToken);
        }

        if (archive is not null)
        {
            Directory.Delete(Path.GetDirectoryName(archive)!, recursive: true);
        }

        // The operator holds this key file: o4o up need not remind them to export it.
        await ArchiveKeyExport.RecordAsync(staged, keys, "o4o restore --from", time.GetUtcNow(), cancellationToken);
        progress.Step(BareMachineStep.Commit, home.Root);
        var redacted = File.Exists(staged.ConfigurationFile) ? ConfigurationRedaction.RedactedKeys(await File.ReadAllBytesAsync(staged.ConfigurationFile, cancellationToken)) : [];
        var replaced = staging.Commit(time.GetUtcNow());
        return new BareMachineOutcome(set?.Label, archives.Count > 0 ? archives[0] : null, lastTransaction, replaced, redacted);
    }

    /// <summary>The archive's database in a new cluster of the staged home, through the restore every archive goes through; its files too.</summary>
    private async Task LoadAsync(O4OHome staged, string archive, PostgresBinaries binaries, IBareMachineProgress progress, CancellationToken cancellationToken)
    {
        await using var cluster = new ManagedCluster(staged.PostgresData, staged.PostgresPasswordFile, LoopbackPort.Free(), binaries);
        await cluster.InitializeAsync(cancellationToken);
        await cluster.StartAsync(cancellationToken: cancellationToken);
        // The owner role comes with the conductor's first start, which hands the database over to it.
        var server = new ResolvedDatabaseServer(cluster.ConnectionString(), database.Name, binaries);
        var restore = new DatabaseRestore(staged, server, new BackupCatalogue(staged.StateDatabase, staged.Backups), time);
        var outcome = await progress.TransferAsync(Path.GetFileName(archive), bytes => restore.RestoreAsync(archive, databaseOnly: false, _ => true, bytes, cancellationToken));
        if (outcome.FilesFailure is { } failure)
        {
            throw new RestoreFailedException($"the platform files of {Path.GetFileName(archive)} could not be put back: {failure}");
        }

        await cluster.StopAsync();
    }
}

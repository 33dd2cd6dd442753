using System.Diagnostics;
using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Backups;

/// <summary>An archive the conductor made, and its verification.</summary>
/// <param name="Name">The archive's file name.</param>
/// <param name="Summary">"name, size in time".</param>
/// <param name="Verification">The test restore's result, or null when it could not run.</param>
/// <param name="NotVerifiedBecause">Why it could not run (another verification holds the lock, the server went away), or null.</param>
internal sealed record ConductorArchive(string Name, string Summary, VerifyResult? Verification, string? NotVerifiedBecause)
{
    /// <summary>How it compares with the clean archives before it.</summary>
    public ArchiveAnomaly? Anomaly { get; init; }

    /// <summary>The archive and its verification, in one line for the journals.</summary>
    public override string ToString() => Verification switch
    {
        { Passed: true } => $"{Summary}; verified by a test restore",
        { } failed => $"{Summary}; verification failed: {failed.Failure}",
        null => $"{Summary}; not verified: {NotVerifiedBecause}",
    } + (Anomaly is { Suspicious: true } ? string.Create(CultureInfo.InvariantCulture, $"; suspicious (anomaly score {Anomaly.Score:0.0})") : "");
}

/// <summary>
/// A backup the conductor takes itself, on its schedule or asked for on the dashboard: made by the same engine as
/// <c>o4o backup create</c> (no secrets), recorded in the catalogue, then verified at once by the same test restore as
/// <c>o4o backup verify</c>, so no archive the conductor made stays "not verified"; screened for what ransomware leaves
/// (<see cref="ArchiveScreening"/>).
/// </summary>
internal static class ConductorBackup
{
    /// <summary>Makes an archive in <c>Backup:Directory</c>, records it and verifies it.</summary>
    /// <exception cref="BackupFailedException">The dump failed.</exception>
    /// <exception cref="LockHeldException">Another backup is running.</exception>
    /// <exception cref="DatabaseUnavailableException">The database server cannot be reached.</exception>
    /// <exception cref="IOException">The backup directory cannot be written.</exception>
    /// <exception cref="Monitoring.BackupWouldNotFitException">The directory has less room than the backup would need.</exception>
    public static async Task<ConductorArchive> CreateAsync(O4OHome home, BackupOptions backup, DatabaseOptions database, IRecoveryJournal journal,
        TimeProvider time, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var directory = backup.DirectoryFor(home);
        var catalogue = new BackupCatalogue(home.StateDatabase, directory);
        var server = ResolvedDatabaseServer.Resolve(home, database);
        var result = await new BackupCreator(home, directory, server, time) { SpaceMargin = backup.SpaceMargin }
            .CreateAsync(includeSecrets: false, catalogue.KnownHash, progress, cancellationToken);
        catalogue.Record(result);
        var name = Path.GetFileName(result.ArchivePath);
        var anomaly = await ArchiveScreening.ScreenAsync(directory, catalogue, backup, journal, time, name, cancellationToken);
        var summary = string.Create(CultureInfo.InvariantCulture, $"{name}, {result.Size / 1048576.0:0.0} MB in {clock.Elapsed.TotalSeconds:0.0} s");
        try
        {
            var verification = await new BackupVerifier(directory, server, catalogue, time).VerifyAsync(name, progress: null, cancellationToken);
            return new ConductorArchive(name, summary, verification, null) { Anomaly = anomaly };
        }
        catch (Exception exception) when (exception is LockHeldException or DatabaseUnavailableException)
        {
            return new ConductorArchive(name, summary, null, exception.Message) { Anomaly = anomaly };
        }
    }

    /// <summary>
    /// A backup that failed for a reason to record and go on from (the dump, another backup holding the lock, the
    /// database, the disk), as opposed to a bug, which should surface.
    /// </summary>
    public static bool IsFailure(Exception exception) =>
        exception is BackupFailedException or Monitoring.BackupWouldNotFitException or LockHeldException or DatabaseUnavailableException or IOException;
}

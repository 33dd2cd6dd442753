using System.Diagnostics;
using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;

namespace O4O.Recovery.Backups;

/// <summary>
/// A backup the conductor takes itself, on its schedule or asked for on the dashboard: made by the same engine as
/// <c>o4o backup create</c> (no secrets), recorded in the catalogue, and summed up in one line for the journals.
/// </summary>
public static class ConductorBackup
{
    /// <summary>Makes an archive in <paramref name="directory"/>, records it and returns "name, size in time".</summary>
    /// <exception cref="BackupFailedException">The dump failed.</exception>
    /// <exception cref="LockHeldException">Another backup is running.</exception>
    /// <exception cref="DatabaseUnavailableException">The database server cannot be reached.</exception>
    /// <exception cref="IOException">The backup directory cannot be written.</exception>
    public static async Task<string> CreateAsync(O4OHome home, string directory, DatabaseOptions database, TimeProvider time,
        IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var catalogue = new BackupCatalogue(home.StateDatabase, directory);
        var result = await new BackupCreator(home, directory, ResolvedDatabaseServer.Resolve(home, database), time)
            .CreateAsync(includeSecrets: false, catalogue.KnownHash, progress, cancellationToken);
        catalogue.Record(result);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(result.ArchivePath)}, {result.Size / 1048576.0:0.0} MB in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// A backup that failed for a reason to record and go on from (the dump, another backup holding the lock, the
    /// database, the disk), as opposed to a bug, which should surface.
    /// </summary>
    public static bool IsFailure(Exception exception) =>
        exception is BackupFailedException or LockHeldException or DatabaseUnavailableException or IOException;
}

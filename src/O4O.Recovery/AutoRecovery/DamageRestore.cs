using System.Globalization;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// Restores a damaged database through the restore engine's safe swap (the damaged database is kept aside), then
/// verifies it with <c>SELECT 1</c>. Restarts of the database pause while it runs.
/// </summary>
internal sealed class DamageRestore(O4OHome home, DatabaseOptions database, BackupOptions backup, RecoveryGate gate, IRecoveryJournal journal, TimeProvider time)
{
    private const string Actor = "auto-recovery";

    /// <summary>
    /// Restores damage first seen at <paramref name="firstEvidence"/> and returns what was done and how it ended, for the
    /// record: to just before the damaging transaction where WAL is archived (<see cref="PointInTimeRestore"/>, which
    /// carries over what was written after it), else — or when that fails — from the newest verified archive.
    /// </summary>
    public async Task<AutoRestoreOutcome> RestoreAsync(DateTimeOffset firstEvidence, CancellationToken cancellationToken)
    {
        if (await DamageRecoveryPoint.IsAvailableAsync(home, database, cancellationToken)
            && await PointInTimeAsync(firstEvidence, cancellationToken) is { Verdict: RestoreVerdict.Verified } restored)
        {
            return restored;
        }

        return await FromArchiveAsync(cancellationToken);
    }

    private async Task<AutoRestoreOutcome?> PointInTimeAsync(DateTimeOffset firstEvidence, CancellationToken cancellationToken)
    {
        await gate.SetPausedAsync(Conductor.DatabaseComponent, true, "point-in-time restore", Actor, cancellationToken);
        try
        {
            var server = ResolvedDatabaseServer.Resolve(home, database);
            var point = await new DamageRecoveryPoint(home, server).FindAsync(firstEvidence, cancellationToken);
            var restore = new DatabaseRestore(home, server, new BackupCatalogue(home.StateDatabase, backup.DirectoryFor(home)), time);
            var outcome = await new PointInTimeRestore(home, server, restore, journal, Actor, time)
                .RunAsync(point.Target, PointInTimeMode.DatabaseOnly, dryRun: false, _ => true, progress: null, cancellationToken);
            var verified = await DatabaseProbe.ProbeAsync(server.ConnectionString(database.Name), TimeSpan.FromSeconds(5), cancellationToken);
            var done = $"restored {outcome.Plan.LiveDatabase} to {outcome.Plan.Target} ({point.Why}) from backup set {outcome.Plan.BackupSet} and archived WAL "
                + $"through the safe swap; the damaged database is kept as {outcome.Plan.Kept}";
            return verified.Healthy
                ? new AutoRestoreOutcome(done, RestoreVerdict.Verified,
                    string.Create(CultureInfo.InvariantCulture, $"rows counted against the side instance, SELECT 1 answered in {verified.Elapsed.TotalMilliseconds:0} ms"))
                : new AutoRestoreOutcome(done, RestoreVerdict.Failed, $"SELECT 1 after the swap: {verified.Error}");
        }
        catch (Exception exception) when (exception is RecoveryTargetException or PgBackRestException or RestoreFailedException or RestoreRefusedException
            or DatabaseUnavailableException or IOException or Npgsql.NpgsqlException or PostgresNotInstalledException)
        {
            // On the record through the restore's own events; the archive is the fallback.
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, RecoveryEventKind.Note,
                $"point-in-time restore failed: {exception.Message}", "", "restoring the newest verified archive instead", null, Actor), cancellationToken);
            return null;
        }
        finally
        {
            await gate.SetPausedAsync(Conductor.DatabaseComponent, false, "point-in-time restore", Actor, CancellationToken.None);
        }
    }

    private async Task<AutoRestoreOutcome> FromArchiveAsync(CancellationToken cancellationToken)
    {
        var catalogue = new BackupCatalogue(home.StateDatabase, backup.DirectoryFor(home));
        var newest = (await catalogue.SyncAsync(cancellationToken))
            .Where(entry => entry.Verified == true)
            .MaxBy(entry => entry.Manifest.CreatedAt);
        if (newest is null)
        {
            return new AutoRestoreOutcome("not restored: there is no verified backup", RestoreVerdict.WaitingForAPerson);
        }

        await gate.SetPausedAsync(Conductor.DatabaseComponent, true, $"restore of {newest.Name}", Actor, cancellationToken);
        try
        {
            var server = ResolvedDatabaseServer.Resolve(home, database);
            var restored = await new DatabaseRestore(home, server, catalogue, time)
                .RestoreAsync(Path.Combine(backup.DirectoryFor(home), newest.Name), databaseOnly: true, _ => true, progress: null, cancellationToken);
            var verified = await DatabaseProbe.ProbeAsync(server.ConnectionString(database.Name), TimeSpan.FromSeconds(5), cancellationToken);
            var done = $"restored {newest.Name} through the safe swap; the damaged database is kept as {restored.Plan.DisplacedDatabase}";
            return verified.Healthy
                ? new AutoRestoreOutcome(done, RestoreVerdict.Verified,
                    string.Create(CultureInfo.InvariantCulture, $"row counts match the manifest, SELECT 1 answered in {verified.Elapsed.TotalMilliseconds:0} ms"))
                : new AutoRestoreOutcome(done, RestoreVerdict.Failed, $"SELECT 1 after the swap: {verified.Error}");
        }
        catch (Exception exception) when (exception is RestoreFailedException or RestoreRefusedException or BackupCorruptException
            or DatabaseUnavailableException or IOException or Npgsql.NpgsqlException)
        {
            return new AutoRestoreOutcome($"restore of {newest.Name} attempted", RestoreVerdict.Failed, $"{exception.Message} (the live database is as it was)");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Anything unforeseen is still this restore's failure, on the record: it must not end the damage watch.
            return new AutoRestoreOutcome($"restore of {newest.Name} attempted", RestoreVerdict.Failed, $"{exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            await gate.SetPausedAsync(Conductor.DatabaseComponent, false, $"restore of {newest.Name}", Actor, CancellationToken.None);
        }
    }
}

using System.Globalization;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// Restores the newest verified backup over a damaged database through the restore engine's safe swap (the damaged
/// database is kept aside), then verifies it with <c>SELECT 1</c>. Restarts of the database pause while it runs.
/// </summary>
internal sealed class DamageRestore(O4OHome home, DatabaseOptions database, BackupOptions backup, RecoveryGate gate, TimeProvider time)
{
    /// <summary>Restores and returns what was done and how it ended, for the record.</summary>
    public async Task<AutoRestoreOutcome> RestoreAsync(CancellationToken cancellationToken)
    {
        var catalogue = new BackupCatalogue(home.StateDatabase, backup.DirectoryFor(home));
        var newest = (await catalogue.SyncAsync(cancellationToken))
            .Where(entry => entry.Verified == true)
            .MaxBy(entry => entry.Manifest.CreatedAt);
        if (newest is null)
        {
            return new AutoRestoreOutcome("not restored: there is no verified backup", RestoreVerdict.WaitingForAPerson);
        }

        await gate.SetPausedAsync(Conductor.DatabaseComponent, true, $"restore of {newest.Name}", "auto-recovery", cancellationToken);
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
            await gate.SetPausedAsync(Conductor.DatabaseComponent, false, $"restore of {newest.Name}", "auto-recovery", CancellationToken.None);
        }
    }
}

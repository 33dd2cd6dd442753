using Npgsql;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;
using O4O.Recovery.Restore;

namespace O4O.Cli.Commands;

internal sealed partial class RecoverSteps
{
    /// <summary>
    /// Phase 3: the newest backup, database only, through the same load, verify, ask and swap as <c>o4o restore latest --db-only</c>.
    /// A running conductor's restarts are paused meanwhile (a maintenance window, as its own damage restore pauses the
    /// database), or it would take the swap's ended sessions for a failure and restart the server under it. What made the
    /// phase fail is the outcome's <see cref="PhaseOutcome.Failure"/>: a corrupt archive decides the exit code.
    /// </summary>
    public async Task<PhaseOutcome> RestoreAsync(CancellationToken cancellationToken)
    {
        var phase = RunbookPhase.Restore;
        var database = context.Bind<DatabaseOptions>(DatabaseOptions.Section);
        if (await DamageRecoveryPoint.IsAvailableAsync(context.Home, database, cancellationToken))
        {
            return await RestoreToPointAsync(cancellationToken);
        }

        try
        {
            var environment = BackupEnvironment.From(context);
            var restore = environment.Restore();
            var latest = await RestoreCommand.LatestAsync(environment, context.Error.WriteLine, cancellationToken);
            return await SwapWithRestartsPausedAsync(() => RestoreFirstGoodAsync(restore, latest.Candidates, cancellationToken), outcome => outcome.Swapped,
                outcome => Text.Format(Strings.RecoverRestored, outcome.Plan.Archive, outcome.Plan.LiveDatabase,
                    outcome.Plan.Manifest.RowCounts.Values.Sum(), outcome.Plan.Manifest.RowCounts.Count, outcome.Plan.DisplacedDatabase),
                cancellationToken);
        }
        catch (Exception exception) when (exception is BackupFailedException or BackupCorruptException or RestoreRefusedException
            or RestoreFailedException or DatabaseUnavailableException or LockHeldException or PostgresNotInstalledException
            or IOException or NpgsqlException)
        {
            return new PhaseOutcome(phase, PhaseStatus.Failed, Text.Format(Strings.RecoverRestoreFailed, exception.Message), TimeSpan.Zero) { Failure = exception };
        }
    }

    /// <summary>
    /// Phase 3 where WAL is archived: back to just before the transaction that did the damage (found in the archived WAL
    /// from the conductor's newest mark of the tables' files before the first evidence; else just before the evidence,
    /// saying so), through a side instance, the verified swap and the carry-over of what was written after it.
    /// </summary>
    private async Task<PhaseOutcome> RestoreToPointAsync(CancellationToken cancellationToken)
    {
        var phase = RunbookPhase.Restore;
        try
        {
            var firstEvidence = (await StatusAssessment.OpenDamageAsync(context.Home, cancellationToken))?.At ?? context.Time.GetUtcNow();
            var point = await new DamageRecoveryPoint(context.Home, BackupEnvironment.From(context).Server()).FindAsync(firstEvidence, cancellationToken);
            await context.Error.WriteLineAsync(Text.Format(Strings.RecoverPointInTime, point.Target.Description, point.Why));
            return await SwapWithRestartsPausedAsync(
                () => RestorePointInTime.RestoreAsync(context, point.Target, PointInTimeMode.DatabaseOnly, dryRun: false, yes, $"{actor} (o4o recover)", cancellationToken),
                outcome => outcome.Swapped,
                outcome => Text.Format(Strings.RecoverRestoredToPoint, outcome.Plan.LiveDatabase, outcome.Plan.Target, outcome.Plan.BackupSet, outcome.Plan.Kept),
                cancellationToken);
        }
        catch (Exception exception) when (exception is RecoveryTargetException or PgBackRestException or RestoreRefusedException or RestoreFailedException
            or DatabaseUnavailableException or LockHeldException or PostgresNotInstalledException or IOException or NpgsqlException)
        {
            return new PhaseOutcome(phase, PhaseStatus.Failed, Text.Format(Strings.RecoverRestoreFailed, exception.Message), TimeSpan.Zero) { Failure = exception };
        }
    }

    /// <summary>The archive phase 3 restores first, or null when none is fit to restore.</summary>
    public static async Task<string?> RestoreCandidateAsync(CliContext context, CancellationToken cancellationToken)
    {
        var environment = BackupEnvironment.From(context);
        try
        {
            return Directory.Exists(environment.Directory) ? (await LatestArchive.FindAsync(environment.Directory, environment.Catalogue(), cancellationToken)).Candidates[0] : null;
        }
        catch (BackupFailedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Restores the first of <paramref name="candidates"/> that loads and verifies: an archive found damaged on the way
    /// leaves the live database as it was, so the next good one is tried, saying so. The last one's failure is the phase's.
    /// </summary>
    private async Task<RestoreOutcome> RestoreFirstGoodAsync(DatabaseRestore restore, IReadOnlyList<string> candidates, CancellationToken cancellationToken)
    {
        for (var index = 0; ; index++)
        {
            var archive = candidates[index];
            await context.Error.WriteLineAsync(Text.Format(Strings.RestoreLoading, Path.GetFileName(archive)));
            try
            {
                return await RestoreCommand.LoadAndSwapAsync(context, restore, archive, databaseOnly: true, yes, progress: null,
                    cancellationToken);
            }
            catch (Exception exception) when (exception is BackupCorruptException or RestoreFailedException && index + 1 < candidates.Count)
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.RecoverRestoreFallback, Path.GetFileName(archive), exception.Message,
                    Path.GetFileName(candidates[index + 1])));
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="restore"/> with a running conductor's restarts paused and, once it swapped, lets go of the
    /// replaced database: the phase's outcome, done in the words of <paramref name="restored"/>, or unconfirmed when the
    /// operator declined the swap.
    /// </summary>
    private async Task<PhaseOutcome> SwapWithRestartsPausedAsync<TOutcome>(Func<Task<TOutcome>> restore, Func<TOutcome, bool> swapped,
        Func<TOutcome, string> restored, CancellationToken cancellationToken)
    {
        var paused = await ConductorRestarts.PauseAsync(context, actor, cancellationToken);
        TOutcome outcome;
        try
        {
            outcome = await restore();
        }
        finally
        {
            if (paused)
            {
                await ConductorRestarts.ResumeAsync(context, actor);
            }
        }

        if (!swapped(outcome))
        {
            return new PhaseOutcome(RunbookPhase.Restore, PhaseStatus.Unconfirmed, Strings.RecoverRestoreDeclined, TimeSpan.Zero);
        }

        // The swap ended every session on the replaced database, this process's pooled one (the assessment's integrity
        // query) too: phase 4 must not pick that one up.
        NpgsqlConnection.ClearAllPools();
        await ConductorRestarts.WaitForPlatformAsync(context, context.Time.GetUtcNow(), cancellationToken);
        return new PhaseOutcome(RunbookPhase.Restore, PhaseStatus.Done, restored(outcome), TimeSpan.Zero);
    }
}

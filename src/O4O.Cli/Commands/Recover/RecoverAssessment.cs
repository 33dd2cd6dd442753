using O4O.Recovery.Health;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>Phase 1 of <c>o4o recover</c>: what is wrong, the runbook's failure type, and whether a restore is called for.</summary>
internal static class RecoverAssessment
{
    public static async Task<RunbookAssessment> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var status = await StatusAssessment.AssessAsync(context, cancellationToken);
        // Backups and WAL archiving are phase 5's to show: a missing or stale one is a warning, not an outage to recover from; nor is what
        // restores left (status's restores row). A database that answers but is damaged (degraded) is phase 3's to restore,
        // not phase 2's to restart: the integrity check names it.
        var down = status.Components.Where(component => component.State != HealthState.Healthy && component.Name is not ("backups" or "restores" or "wal-archive")
            && !(component.Name == Conductor.DatabaseComponent && component.State == HealthState.Degraded)).ToList();
        var problems = down.Select(component => CommandInvoker.OneLine($"{component.Name} {component.State.ToString().ToLowerInvariant()}: {component.Error}")).ToList();
        var databaseUp = !down.Any(component => component.Name == Conductor.DatabaseComponent);
        var integrity = databaseUp ? await VerifyCommand.IntegrityAsync(context, cancellationToken) : null;
        if (integrity is { Passed: false })
        {
            problems.Add(CommandInvoker.OneLine($"integrity: {integrity.Detail}"));
        }

        // Damage the conductor saw and no restore has ended is phase 3's as well: a DELETE or TRUNCATE leaves tables the
        // integrity check can count, and the last logical backup may hold fewer rows than the orders taken since.
        var seen = status.Components.FirstOrDefault(component => component.Name == Conductor.DatabaseComponent
            && component.FailureType is FailureType.DataLoss or FailureType.DatabaseDamage);
        if (seen is not null && integrity is not { Passed: false })
        {
            problems.Add(CommandInvoker.OneLine($"{seen.Name} {seen.State.ToString().ToLowerInvariant()}: {seen.Error}"));
        }

        // A database that answers but cannot count its tables is damaged; fewer rows than the last backup is data loss.
        FailureType? type = integrity is { Passed: false }
            ? integrity.Detail.StartsWith("DATA LOSS", StringComparison.Ordinal) ? FailureType.DataLoss : FailureType.DatabaseDamage
            : seen?.FailureType ?? (down.Count > 0 ? FailureType.ServerDown : null);
        return new RunbookAssessment(problems, down.Select(component => component.Name).ToList(), type,
            type is FailureType.DataLoss or FailureType.DatabaseDamage);
    }
}

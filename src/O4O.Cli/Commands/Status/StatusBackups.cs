using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Monitoring;
using O4O.Recovery.Resources;

namespace O4O.Cli.Commands;

/// <summary>
/// The backups in <c>o4o status</c>, as the conductor's <see cref="BackupWatch"/> judges them (one <see cref="BackupMonitor"/>):
/// a row per thing watched — <c>backups</c> (the newest archive's age against <c>Backup:Schedule</c> and its verification),
/// <c>physical-backups</c> (the newest set's age, where WAL is archived), <c>offsite-lag</c> (how far the off-site copies
/// trail, with a bucket), <c>offsite-lock</c> (whether the off-site copies are immutable, <see cref="StatusOffsite"/>),
/// <c>backup-space</c> (room for the next archive).
/// Reported, not counted in "healthy"; another watched thing is one more row here.
/// </summary>
internal static class StatusBackups
{
    public static async Task<IReadOnlyList<ComponentStatus>> AssessAsync(CliContext context, CancellationToken cancellationToken)
    {
        var backup = context.Bind<BackupOptions>(BackupOptions.Section);
        var report = await new BackupMonitor(context.Home, context.Bind<DatabaseOptions>(DatabaseOptions.Section), backup,
            context.Bind<ArchivingOptions>(ArchivingOptions.Section), context.Time)
        { Offsite = context.Bind<OffsiteOptions>(OffsiteOptions.Section) }
            .ReadAsync(cancellationToken);
        var directory = backup.DirectoryFor(context.Home);
        List<ComponentStatus> rows = [Logical(report, directory)];
        if (report.PhysicalInterval is { } interval)
        {
            var problem = report.PhysicalError is { } error ? Text.Format(Strings.StatusPhysicalUnread, error)
                : report.NewestPhysical is null ? Strings.StatusPhysicalNone
                : report.PhysicalStale ? Text.Format(Strings.StatusPhysicalStale, Age(report.Now - report.NewestPhysical.Value), Age(interval * report.AgeFactor))
                : null;
            rows.Add(new ComponentStatus("physical-backups", problem is null ? HealthState.Healthy : HealthState.Degraded, "pgbackrest", null, null, problem)
            {
                Since = report.NewestPhysical,
                Detail = report.NewestPhysical is { } stopped ? Text.Format(Strings.StatusPhysicalDetail, Age(report.Now - stopped), Age(interval * report.AgeFactor)) : null,
            });
        }

        if (report.Offsite is { } offsite)
        {
            var lagging = offsite.Check().Failing;
            rows.Add(new ComponentStatus(OffsiteLagReport.Component, lagging ? HealthState.Degraded : HealthState.Healthy, "bucket", null, null,
                lagging ? Text.Format(Strings.StatusOffsiteLagging, Age(offsite.Lag), Age(offsite.Threshold)) : null)
            {
                Detail = Text.Format(Strings.StatusOffsiteDetail, Age(offsite.Lag), Age(offsite.Threshold), offsite.Archives.Pending,
                    offsite.Wal?.Pending.ToString(CultureInfo.InvariantCulture) ?? "-"),
            });
        }

        if (await StatusOffsite.AssessAsync(context, cancellationToken) is { } immutability)
        {
            rows.Add(immutability);
        }

        if (!Directory.Exists(directory))
        {
            return rows;
        }

        var space = report.Space;
        var spaceText = space is null ? null
            : Text.Format(Strings.StatusBackupSpace, Sizes.Size(space.Free), Sizes.Size(space.Needed), Sizes.EstimatedFrom(space.EstimatedFrom), Sizes.Size(space.Estimate));
        rows.Add(new ComponentStatus(BackupMonitorReport.SpaceComponent, space?.Fits == true ? HealthState.Healthy : HealthState.Degraded, directory, null, null,
            space is null ? Text.Format(Strings.StatusBackupSpaceUnread, report.SpaceError) : space.Fits ? null : Text.Format(Strings.StatusBackupWouldNotFit, spaceText))
        {
            Detail = spaceText,
        });
        return rows;
    }

    private static ComponentStatus Logical(BackupMonitorReport report, string directory)
    {
        if (report.NewestLogical is not { } newest)
        {
            return new ComponentStatus("backups", HealthState.Degraded, directory, null, null, Strings.StatusBackupNone);
        }

        var ageText = Age(report.Now - newest.Manifest.CreatedAt);
        var problem = report.LogicalStale ? Text.Format(Strings.StatusBackupStale, newest.Name, ageText) + Text.Format(Strings.StatusBackupLimit, Age(report.LogicalInterval * report.AgeFactor))
            : newest.Verified == false ? Text.Format(Strings.StatusBackupVerifyFailed, newest.Name, newest.VerifyMessage ?? "-")
            : newest.Verified != true ? Text.Format(Strings.StatusBackupNotVerified, newest.Name, ageText)
            : null;
        return new ComponentStatus("backups", problem is null ? HealthState.Healthy : HealthState.Degraded, directory, null, null, problem)
        {
            Since = newest.Manifest.CreatedAt,
            Detail = Text.Format(Strings.StatusBackupDetail, newest.Name, ageText, newest.Verified == true ? Strings.StatusYes : Strings.StatusNo),
        };
    }

    private static string Age(TimeSpan age) => age.TotalHours >= 1
        ? RecoveryText.Format("Duration.Hours", CultureInfo.CurrentUICulture, age.TotalHours.ToString("0.#", CultureInfo.InvariantCulture))
        : RecoveryText.Format("Duration.Minutes", CultureInfo.CurrentUICulture, age.TotalMinutes.ToString("0", CultureInfo.InvariantCulture));
}

using System.ComponentModel.DataAnnotations;
using Cronos;

namespace O4O.Recovery.Configuration;

/// <summary>
/// The <c>Archiving</c> section: continuous WAL archiving and physical backups of the managed cluster by pgBackRest,
/// which make a restore to any moment possible. The conductor owns pgBackRest's configuration; these are its knobs.
/// </summary>
public sealed class ArchivingOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Archiving";

    /// <summary>WAL archiving and physical backups on the managed cluster (default on; an external server archives its own way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>PostgreSQL's <c>archive_timeout</c>: the longest the archive trails a quiet shop (default 10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Archive lag (WAL written but not archived) above which an incident is opened (default 60 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LagThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the conductor reads the archiver's status to find a failing archive_command or a growing lag (default 5 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Full physical backups, a cron expression (default weekly, Sunday 02:30).</summary>
    public string FullSchedule { get; set; } = "30 2 * * 0";

    /// <summary>Differential physical backups (default daily 02:30, Monday to Saturday).</summary>
    public string DifferentialSchedule { get; set; } = "30 2 * * 1-6";

    /// <summary>Incremental physical backups (default hourly at :15).</summary>
    public string IncrementalSchedule { get; set; } = "15 * * * *";

    /// <summary>Full backups kept (with their differentials, incrementals and every WAL segment they need; default 2).</summary>
    [Range(1, 9999999)]
    public int KeepFull { get; set; } = 2;

    /// <summary>
    /// pgBackRest's parallel processes for backup and restore; default a quarter of the CPUs (at least one), as pgBackRest
    /// advises, so that the shop keeps serving while a backup runs.
    /// </summary>
    [Range(1, 64)]
    public int ProcessMax { get; set; } = Math.Max(1, Environment.ProcessorCount / 4);

    /// <summary>The three schedules by backup type, parsed.</summary>
    /// <exception cref="FormatException">One is not a five-field cron expression; the message names the setting.</exception>
    public IReadOnlyList<(string Type, CronExpression Schedule)> ParseSchedules() =>
    [
        ("full", Parse(FullSchedule, nameof(FullSchedule))),
        ("diff", Parse(DifferentialSchedule, nameof(DifferentialSchedule))),
        ("incr", Parse(IncrementalSchedule, nameof(IncrementalSchedule))),
    ];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        try
        {
            ParseSchedules();
        }
        catch (FormatException exception)
        {
            return [new ValidationResult(exception.Message)];
        }

        return [];
    }

    private static CronExpression Parse(string expression, string setting)
    {
        try
        {
            return CronExpression.Parse(expression);
        }
        catch (CronFormatException exception)
        {
            throw new FormatException(
                $"{setting} '{expression}' is not a cron expression (minute hour day-of-month month day-of-week, e.g. \"30 2 * * 0\"): "
                + $"{exception.Message} Set {O4OConfiguration.EnvironmentPrefix}{Section}__{setting}.", exception);
        }
    }
}

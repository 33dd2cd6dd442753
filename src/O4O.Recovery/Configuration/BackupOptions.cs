using System.ComponentModel.DataAnnotations;
using Cronos;

namespace O4O.Recovery.Configuration;

/// <summary>The <c>Backup</c> section: where archives go, how long they are kept, when the conductor makes them.</summary>
public sealed class BackupOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Backup";

    /// <summary>The backup directory (<c>O4O__Backup__Directory</c>); <c>$O4O_HOME/backups</c> when unset.</summary>
    public string? Directory { get; set; }

    /// <summary>The conductor's backup schedule, a cron expression (default: daily at 03:00).</summary>
    public string Schedule { get; set; } = "0 3 * * *";

    /// <summary>The schedule, parsed.</summary>
    /// <exception cref="FormatException">It is not a five-field cron expression; the message names the setting.</exception>
    public CronExpression ParseSchedule()
    {
        try
        {
            return CronExpression.Parse(Schedule);
        }
        catch (CronFormatException exception)
        {
            throw new FormatException(
                $"Schedule '{Schedule}' is not a cron expression (minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\"): "
                + $"{exception.Message} Set {O4OConfiguration.EnvironmentPrefix}Backup__Schedule.", exception);
        }
    }

    /// <summary>How many of the newest daily archives <c>backup prune</c> keeps (one per day).</summary>
    [Range(0, int.MaxValue)]
    public int KeepDaily { get; set; } = 7;

    /// <summary>How many weekly archives (the newest of each ISO week) are kept.</summary>
    [Range(0, int.MaxValue)]
    public int KeepWeekly { get; set; } = 4;

    /// <summary>How many monthly archives (the newest of each month) are kept.</summary>
    [Range(0, int.MaxValue)]
    public int KeepMonthly { get; set; } = 6;

    /// <summary>Days before a suspicious archive within which <c>backup prune</c> deletes nothing: the clean copies to restore from.</summary>
    [Range(0, 3650)]
    public int KeepDaysBeforeSuspicious { get; set; } = 7;

    /// <summary>The thresholds that make a new archive suspicious (<c>Backup:Anomaly</c>).</summary>
    public BackupAnomalyOptions Anomaly { get; set; } = new();

    /// <summary>
    /// How many of the schedule's intervals the newest backup may be old before it counts as missing (an incident): with the
    /// default 2 and a daily schedule, a backup older than two days. The same factor applies to physical backups and their
    /// most frequent schedule (<c>Archiving:IncrementalSchedule</c>).
    /// </summary>
    [Range(1.0, 1000.0)]
    public double AgeFactor { get; set; } = 2;

    /// <summary>
    /// The room a backup must find free beyond its estimate (the previous archive's size, else the database's), as a share
    /// of it: with the default 0.5 a backup needs one and a half times the estimate, or it refuses to start.
    /// </summary>
    [Range(0.0, 100.0)]
    public double SpaceMargin { get; set; } = DefaultSpaceMargin;

    /// <summary>How often the conductor looks at the backups' age, verification and free space (default one minute).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "1.00:00:00")]
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The default <see cref="SpaceMargin"/>.</summary>
    public const double DefaultSpaceMargin = 0.5;

    /// <summary>The backup directory for <paramref name="home"/>: the configured one, else the home's default.</summary>
    public string DirectoryFor(O4OHome home) =>
        string.IsNullOrWhiteSpace(Directory) ? home.Backups : Path.GetFullPath(Directory);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        FormatException? invalid = null;
        try
        {
            ParseSchedule();
        }
        catch (FormatException exception)
        {
            invalid = exception;
        }

        var results = new List<ValidationResult>();
        // Data annotations are not checked on nested objects by themselves.
        Validator.TryValidateObject(Anomaly, new ValidationContext(Anomaly), results, validateAllProperties: true);
        var anomaly = results.Select(result => new ValidationResult(result.ErrorMessage, [.. result.MemberNames.Select(member => $"{nameof(Anomaly)}:{member}")]));
        return invalid is null ? anomaly : [new ValidationResult(invalid.Message, [nameof(Schedule)]), .. anomaly];
    }
}

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

        return invalid is null ? [] : [new ValidationResult(invalid.Message, [nameof(Schedule)])];
    }
}

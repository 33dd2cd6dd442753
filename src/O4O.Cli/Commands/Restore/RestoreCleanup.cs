using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using O4O.Cli.Resources;
using O4O.Recovery.Incidents;
using O4O.Recovery.Restore;
using O4O.Recovery.State;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o restore --cleanup [--older-than DURATION] [--dry-run] [--yes]</c>: lists the replaced databases restores kept,
/// then drops them after asking (or with --yes). Prints the name of each dropped (or, dry, droppable) database on stdout.
/// </summary>
internal static partial class RestoreCleanup
{
    public static readonly Option<bool> Cleanup = new("--cleanup") { Description = Strings.OptionCleanup };
    public static readonly Option<bool> DryRun = new("--dry-run") { Description = Strings.OptionDryRun };
    public static readonly Option<TimeSpan?> OlderThan = new("--older-than") { Description = Strings.OptionOlderThan, CustomParser = ParseAge };

    public static async Task<int> RunAsync(CliContext context, TimeSpan? olderThan, bool dryRun, bool yes, CancellationToken cancellationToken)
    {
        var environment = BackupEnvironment.From(context);
        var cleanup = new KeptDatabaseCleanup(environment.Home, environment.Server(), new EventLog(environment.Home.StateDatabase),
            $"{IncidentCommand.CurrentUser()} (o4o restore --cleanup)", context.Time);
        var refused = false;
        var qualifying = await cleanup.RunAsync(olderThan, databases =>
        {
            foreach (var database in databases)
            {
                context.Error.WriteLine(cleanup.Age(database) is { } age
                    ? Text.Format(Strings.CleanupCandidate, database.Name, DurationText.Format(age, CultureInfo.CurrentUICulture), Sizes.Size(database.Size))
                    : Text.Format(Strings.CleanupCandidateUndated, database.Name, Sizes.Size(database.Size)));
            }

            context.Error.WriteLine(Text.Format(Strings.CleanupTotal, databases.Count, Sizes.Size(databases.Sum(database => database.Size))));
            refused = !dryRun && !yes && !context.CanAsk;
            return !dryRun && (yes || (!refused && CliConsole.Confirm(context, Text.Format(Strings.CleanupConfirm, databases.Count))));
        }, dropped =>
        {
            context.Out.WriteLine(dropped.Name);
            context.Error.WriteLine(Text.Format(Strings.CleanupDropped, dropped.Name));
        }, cancellationToken);

        if (qualifying.Count == 0)
        {
            await context.Error.WriteLineAsync(Strings.CleanupNothing);
            return ExitCodes.Success;
        }

        if (dryRun)
        {
            qualifying.Select(database => database.Name).ToList().ForEach(context.Out.WriteLine);
            await context.Error.WriteLineAsync(Strings.CleanupDryRun);
            return ExitCodes.Success;
        }

        if (refused)
        {
            await CliConsole.FailAsync(context, Strings.CleanupNeedsYes);
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    /// <summary>Options that go only with --cleanup, and options --cleanup does not go with, are a command-line error.</summary>
    public static void Validate(CommandResult command, Option<bool> undo, Option<bool> databaseOnly)
    {
        var cleanup = command.GetValue(Cleanup);
        // --dry-run also goes with a point-in-time target.
        var cleanupOnly = command.GetResult(OlderThan) is not null || (command.GetValue(DryRun) && !RestorePointInTime.Requested(command));
        if ((cleanup && (command.GetValue(undo) || command.GetValue(databaseOnly))) || (!cleanup && cleanupOnly))
        {
            command.AddError(Strings.CleanupOptionsConflict);
        }
    }

    private static TimeSpan? ParseAge(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        var match = AgePattern().Match(text);
        if (match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 100_000)
        {
            return match.Groups[2].Value switch { "d" => TimeSpan.FromDays(count), "h" => TimeSpan.FromHours(count), _ => TimeSpan.FromMinutes(count) };
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }

        result.AddError(Text.Format(Strings.CleanupBadOlderThan, text));
        return null;
    }

    [GeneratedRegex("^([0-9]+)([dhm])$")]
    private static partial Regex AgePattern();
}

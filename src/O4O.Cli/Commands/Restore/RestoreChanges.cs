using System.Globalization;
using Microsoft.Data.Sqlite;
using O4O.Cli.Resources;
using O4O.Recovery.Incidents;
using O4O.Recovery.Restore;

namespace O4O.Cli.Commands;

/// <summary>What a restore takes away from the live database, said before the swap and kept on the open incident.</summary>
internal static class RestoreChanges
{
    /// <summary>One line: the tables with rows the archive lacks, or that there are none.</summary>
    public static string Describe(RestorePlan plan)
    {
        var changes = plan.Changes;
        if (changes.Unreadable is { } unreadable)
        {
            return Text.Format(Strings.RestoreChangesUnreadable, plan.LiveDatabase, unreadable);
        }

        if (changes.Nothing)
        {
            return Strings.RestoreChangesNone;
        }

        var parts = changes.Changes.Select(Describe).ToList();
        if (changes.Uncounted.Count > 0)
        {
            parts.Add(Text.Format(Strings.RestoreChangesUncounted, string.Join(", ", changes.Uncounted.Select(Short))));
        }

        return Text.Format(Strings.RestoreChangesLost, plan.DisplacedDatabase, string.Join(", ", parts));
    }

    /// <summary>Puts <paramref name="description"/> on the open incident's timeline; a state database that fails does not fail the restore.</summary>
    public static async Task NoteOnOpenIncidentAsync(CliContext context, string description, CancellationToken cancellationToken)
    {
        try
        {
            await IncidentCommand.Store(context).AppendToNewestOpenAsync(new TimelineEntry(context.Time.GetUtcNow(), "Note", "", description, IncidentCommand.CurrentUser()),
                cancellationToken);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.RestoreChangesNotNoted, exception.Message));
        }
    }

    private static string Describe(TableChange change)
    {
        var rows = change.Difference.ToString("+0;-0;+0", CultureInfo.InvariantCulture);
        var text = Text.Format(change.Estimated ? Strings.RestoreChangeAbout : Strings.RestoreChange, Short(change.Table), rows);
        return change.Newer is > 0 ? Text.Format(Strings.RestoreChangeNewer, text, change.Newer) : text;
    }

    /// <summary>Tables in the default schema go by their bare name, as the operator knows them.</summary>
    internal static string Short(string table) => table.StartsWith("public.", StringComparison.Ordinal) ? table["public.".Length..] : table;
}

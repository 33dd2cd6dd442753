using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.PointInTime;

namespace O4O.Cli.Commands;

/// <summary>What a point-in-time restore changes: rows per table, live against restored, said before the swap.</summary>
internal static class PitrChanges
{
    /// <summary>One line: every table whose rows differ, or that none does.</summary>
    public static string Describe(PointInTimePlan plan)
    {
        var changes = plan.Changes;
        if (changes.Unreadable is { } unreadable)
        {
            return Text.Format(Strings.PitrChangesUnreadable, plan.LiveDatabase, unreadable);
        }

        var restored = (string table) => plan.RestoredRows.GetValueOrDefault(table).ToString(CultureInfo.InvariantCulture);
        var tables = changes.Changes
            .Select(change => Text.Format(change.Estimated ? Strings.PitrChangeAbout : Strings.PitrChange, RestoreChanges.Short(change.Table),
                (plan.RestoredRows.GetValueOrDefault(change.Table) + change.Difference).ToString(CultureInfo.InvariantCulture), restored(change.Table)))
            .Concat(changes.Uncounted.Select(table => Text.Format(Strings.PitrChangeMissing, RestoreChanges.Short(table), restored(table))))
            .ToList();
        return tables.Count == 0 ? Strings.PitrChangesNone : Text.Format(Strings.PitrChanges, string.Join(", ", tables));
    }
}

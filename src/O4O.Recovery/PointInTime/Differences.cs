using System.Globalization;

namespace O4O.Recovery.PointInTime;

/// <summary>The live database against the restored one, in one line for the record.</summary>
internal static class Differences
{
    /// <summary><c>public.orders live 0, restored 1204; public.users live 31, restored 30</c>, or that they hold the same rows.</summary>
    public static string Describe(PointInTimePlan plan)
    {
        var changes = plan.Changes;
        if (changes.Unreadable is { } unreadable)
        {
            return $"the live database could not be read ({unreadable})";
        }

        var lines = changes.Changes.Select(change => string.Create(CultureInfo.InvariantCulture,
                $"{change.Table} live {(change.Estimated ? "about " : "")}{plan.RestoredRows.GetValueOrDefault(change.Table) + change.Difference}, restored {plan.RestoredRows.GetValueOrDefault(change.Table)}"))
            .Concat(changes.Uncounted.Select(table => string.Create(CultureInfo.InvariantCulture,
                $"{table} missing or unreadable live, restored {plan.RestoredRows.GetValueOrDefault(table)}")))
            .ToList();
        return lines.Count == 0 ? "the same rows in every table" : string.Join("; ", lines);
    }
}

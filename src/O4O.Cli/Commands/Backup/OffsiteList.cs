using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using O4O.Recovery.Offsite;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary>The off-site part of <c>o4o backup list</c>: the Where column, the archives only in the bucket, the lag line.</summary>
internal static class OffsiteList
{
    public static string Location(OffsiteListing offsite, string name) =>
        offsite.Archives.FirstOrDefault(archive => archive.Name == name)?.Location switch
        {
            ArchiveLocation.Both => $"[green]{Strings.LocationBoth}[/]",
            ArchiveLocation.Offsite => Strings.LocationOffsite,
            _ => $"[yellow]{Strings.LocationLocal}[/]",
        };

    /// <summary>Archives pruned or lost here whose copy is still in the bucket: known by name and copy only.</summary>
    public static void AddOffsiteOnlyRows(Table table, OffsiteListing offsite, DateTimeOffset now)
    {
        foreach (var archive in offsite.Archives.Where(archive => archive.Location == ArchiveLocation.Offsite))
        {
            var made = ArchiveName.TryParseTime(archive.Name, out var time) ? time : (DateTimeOffset?)null;
            // Name, time and age are known from the name; what only the archive tells is not, up to the Where column.
            table.AddRow([Markup.Escape(archive.Name),
                made?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "-",
                made is { } at ? Sizes.Age(now - at) : "-", .. Enumerable.Repeat("-", table.Columns.Count - 4), Strings.LocationOffsite]);
        }
    }

    public static string Lag(OffsiteLagInfo lag) => lag.OldestPending is { } oldest
        ? Resources.Text.Format(Strings.OffsiteLag, lag.Pending, oldest, lag.Age is { } age ? Sizes.Age(age) : "-")
        : Strings.OffsiteLagNone;
}

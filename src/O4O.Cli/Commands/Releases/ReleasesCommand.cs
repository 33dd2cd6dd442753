using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Releases;
using O4O.Recovery.State;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary><c>o4o releases [--json]</c>: the published releases, oldest first, with which is current and previous.</summary>
internal static class ReleasesCommand
{
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = Strings.OptionJson };
        var command = new Command("releases", Strings.ReleasesDescription) { Options = { json } };
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            var items = List(context);
            if (parsed.GetValue(json))
            {
                await context.Out.WriteLineAsync(CliJson.Serialize(items));
                return ExitCodes.Success;
            }

            if (items.Count == 0)
            {
                await context.Error.WriteLineAsync(Strings.ReleasesEmpty);
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns(Strings.ColumnRelease, Strings.ColumnVersion, Strings.ColumnCommit, Strings.ColumnPublished,
                Strings.ColumnBy, Strings.ColumnHealth, Strings.ColumnCurrent);
            foreach (var item in items)
            {
                table.AddRow(Markup.Escape(item.Name), Markup.Escape(item.Version), ReleaseSwitch.Short(item.Commit),
                    item.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture), Markup.Escape(item.PublishedBy),
                    item.Health switch { "healthy" => $"[green]{item.Health}[/]", "failed" => $"[red]{item.Health}[/]", _ => "-" },
                    item.Current ? $"[green]{Strings.ReleaseMarkCurrent}[/]" : item.Previous ? Strings.ReleaseMarkPrevious : "");
            }

            CliConsole.Output(context).Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The releases as <c>--json</c> prints them; listing also removes what a killed deploy left when none runs.</summary>
    internal static IReadOnlyList<ReleaseListItem> List(CliContext context)
    {
        var store = new ReleaseStore(context.Home);
        if (Directory.Exists(store.Root))
        {
            using var held = store.TryLock();
            if (held is not null)
            {
                store.RemoveLeftovers();
            }
        }

        var releases = store.List();
        var records = File.Exists(context.Home.StateDatabase) ? new ReleaseRecords(context.Home.StateDatabase).ReadAll() : new Dictionary<string, ReleaseRecord>();
        var current = store.Current();
        var previous = current is null ? null : store.Before(current);
        return [.. releases.Select(release =>
        {
            var record = records.GetValueOrDefault(release.Name);
            return new ReleaseListItem(release.Name, release.Manifest.Version, release.Manifest.Commit, release.Manifest.CreatedAt, release.Manifest.CreatedBy,
                record?.Health, release.Name == current?.Name, release.Name == previous?.Name, record?.CurrentSince,
                [.. release.Manifest.NewMigrations.Select(MigrationScripts.ShortName)], record?.Backup);
        })];
    }
}

/// <summary>One release in <c>o4o releases --json</c>.</summary>
/// <param name="Name">Its directory name, what <c>o4o rollback</c> takes.</param>
/// <param name="Version">The platform's version.</param>
/// <param name="Commit">The git commit, or null.</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="PublishedBy">Who published it.</param>
/// <param name="Health">healthy, failed, or null when it never ran.</param>
/// <param name="Current">Whether the conductor runs it.</param>
/// <param name="Previous">Whether it is what <c>o4o rollback</c> goes back to.</param>
/// <param name="CurrentSince">When it was last made current.</param>
/// <param name="NewMigrations">The migrations it brought that the release before it lacked.</param>
/// <param name="Backup">The backup taken before those migrations ran.</param>
internal sealed record ReleaseListItem(string Name, string Version, string? Commit, DateTimeOffset PublishedAt, string PublishedBy, string? Health,
    bool Current, bool Previous, DateTimeOffset? CurrentSince, IReadOnlyList<string> NewMigrations, string? Backup);

using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using O4O.Recovery.Offsite;
using O4O.Recovery.PointInTime;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o backup list [--json]</c>: the logical archives and, where the conductor archives WAL, pgBackRest's physical sets
/// and the recovery window; tables on stdout, or with <c>--json</c> a stable <see cref="BackupListJson"/>.
/// </summary>
internal static class BackupListCommand
{
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = Strings.OptionJson };
        var command = new Command("list", Strings.BackupListDescription);
        command.Options.Add(json);
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            var environment = BackupEnvironment.From(context);
            environment.EnsureDefaultDirectory();
            var items = await BackupListing.ListAsync(environment.Directory, environment.Catalogue(), context.Time, cancellationToken);
            var physical = PhysicalBackups.TryOpen(environment.Home, environment.Database, context.Time);
            var offsite = environment.OffsiteListing();
            if (parsed.GetValue(json))
            {
                var repository = physical is null ? null : await physical.InfoAsync(cancellationToken);
                await context.Out.WriteLineAsync(CliJson.Serialize(new BackupListJson(items, repository, offsite)));
                return ExitCodes.Success;
            }

            await RenderAsync(context, items, offsite);
            if (physical is not null)
            {
                // After the archives: an unreadable repository must not hide them.
                await PhysicalBackupList.RenderAsync(context, await physical.InfoAsync(cancellationToken));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task RenderAsync(CliContext context, IReadOnlyList<BackupListItem> items, OffsiteListing? offsite)
    {
        if (items.Count == 0 && offsite is not { Archives.Count: > 0 })
        {
            await context.Error.WriteLineAsync(Strings.BackupListEmpty);
            return;
        }

        var table = new Table().AddColumns(Strings.ColumnName, Strings.ColumnTime, Strings.ColumnAge, Strings.ColumnSize,
            Strings.ColumnTables, Strings.ColumnVerified, Strings.ColumnChain, Strings.ColumnAnomaly);
        if (offsite is not null)
        {
            table.AddColumn(Strings.ColumnWhere);
        }

        foreach (var item in items)
        {
            string[] cells = [
                Markup.Escape(item.Name),
                item.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
                Sizes.Age(item.Age),
                Sizes.Size(item.Size),
                item.Tables.ToString(CultureInfo.InvariantCulture),
                item.Verified switch { true => $"[green]{Strings.Yes}[/]", false => $"[red]{Strings.Failed}[/]", null => Strings.Never },
                item.ChainIntact ? $"[green]{Strings.Intact}[/]" : $"[red]{Strings.Broken}[/]",
                item.Anomaly switch
                {
                    { Suspicious: true } suspicious => $"[red]{Resources.Text.Format(Strings.AnomalySuspicious, suspicious.Score)}[/]",
                    { } clean => Resources.Text.Format(Strings.AnomalyClean, clean.Score),
                    null => "-",
                }];
            table.AddRow(offsite is null ? cells : [.. cells, OffsiteList.Location(offsite, item.Name)]);
        }

        if (offsite is not null)
        {
            OffsiteList.AddOffsiteOnlyRows(table, offsite, context.Time.GetUtcNow());
        }

        CliConsole.Output(context).Write(table);
        if (offsite is not null)
        {
            await context.Out.WriteLineAsync(OffsiteList.Lag(offsite.Lag));
        }

        foreach (var item in items.Where(item => item.Problem is not null))
        {
            await CliConsole.FailAsync(context, $"{item.Name}: {item.Problem}");
        }

        foreach (var item in items.Where(item => item.Anomaly is { Suspicious: true }))
        {
            await CliConsole.FailAsync(context, Resources.Text.Format(Strings.BackupListSuspicious, item.Name, string.Join("; ", item.Anomaly!.Reasons)));
        }
    }
}

/// <summary>What <c>o4o backup list --json</c> prints.</summary>
/// <param name="Archives">The logical archives, oldest first.</param>
/// <param name="Physical">pgBackRest's repository: sets oldest first, archived WAL, the recovery window; null where WAL is not archived.</param>
/// <param name="Offsite">Where each archive is (local, off-site, both) and the off-site lag; null without <c>Offsite:Endpoint</c>.</param>
internal sealed record BackupListJson(IReadOnlyList<BackupListItem> Archives, RepositoryInfo? Physical, OffsiteListing? Offsite);

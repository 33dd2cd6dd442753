using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup list [--json]</c>: the table goes to stdout; <c>--json</c> is a stable array of <see cref="BackupListItem"/>.</summary>
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
            if (parsed.GetValue(json))
            {
                await context.Out.WriteLineAsync(CliJson.Serialize(items));
                return ExitCodes.Success;
            }

            await RenderAsync(context, items);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task RenderAsync(CliContext context, IReadOnlyList<BackupListItem> items)
    {
        if (items.Count == 0)
        {
            await context.Error.WriteLineAsync(Strings.BackupListEmpty);
            return;
        }

        var table = new Table().AddColumns(Strings.ColumnName, Strings.ColumnTime, Strings.ColumnAge, Strings.ColumnSize,
            Strings.ColumnTables, Strings.ColumnVerified, Strings.ColumnChain);
        foreach (var item in items)
        {
            table.AddRow(
                Markup.Escape(item.Name),
                item.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
                Sizes.Age(item.Age),
                Sizes.Size(item.Size),
                item.Tables.ToString(CultureInfo.InvariantCulture),
                item.Verified switch { true => $"[green]{Strings.Yes}[/]", false => $"[red]{Strings.Failed}[/]", null => Strings.Never },
                item.ChainIntact ? $"[green]{Strings.Intact}[/]" : $"[red]{Strings.Broken}[/]");
        }

        CliConsole.Output(context).Write(table);
        foreach (var item in items.Where(item => item.Problem is not null))
        {
            await CliConsole.FailAsync(context, $"{item.Name}: {item.Problem}");
        }
    }
}

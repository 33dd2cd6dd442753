using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup list [--json]</c>: the table goes to stdout; <c>--json</c> is a stable array of <see cref="BackupListItem"/>.</summary>
internal static class BackupListCommand
{
    private static readonly Option<bool> _json = new("--json") { Description = Strings.OptionJson };
    private static readonly JsonSerializerOptions _jsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Build()
    {
        var command = new Command("list", Strings.BackupListDescription);
        command.Options.Add(_json);
        command.SetAction((ParseResult parsed, CancellationToken cancellationToken) => BackupConsole.RunAsync(async () =>
        {
            var environment = BackupEnvironment.Load();
            environment.EnsureDefaultDirectory();
            var items = await BackupListing.ListAsync(environment.Directory, environment.Catalogue(), TimeProvider.System, cancellationToken);
            if (parsed.GetValue(_json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(items, _jsonOptions));
                return ExitCodes.Success;
            }

            Render(items);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Render(IReadOnlyList<BackupListItem> items)
    {
        if (items.Count == 0)
        {
            BackupConsole.Note(Strings.BackupListEmpty);
            return;
        }

        var table = new Table().AddColumns(Strings.ColumnName, Strings.ColumnTime, Strings.ColumnAge, Strings.ColumnSize,
            Strings.ColumnTables, Strings.ColumnVerified, Strings.ColumnChain);
        foreach (var item in items)
        {
            table.AddRow(
                Markup.Escape(item.Name),
                item.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
                BackupFormat.Age(item.Age),
                BackupFormat.Size(item.Size),
                item.Tables.ToString(CultureInfo.InvariantCulture),
                item.Verified switch { true => $"[green]{Strings.Yes}[/]", false => $"[red]{Strings.Failed}[/]", null => Strings.Never },
                item.ChainIntact ? $"[green]{Strings.Intact}[/]" : $"[red]{Strings.Broken}[/]");
        }

        BackupConsole.Output().Write(table);
        foreach (var item in items.Where(item => item.Problem is not null))
        {
            BackupConsole.Fail($"{item.Name}: {item.Problem}");
        }
    }
}

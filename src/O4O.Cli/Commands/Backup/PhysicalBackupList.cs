using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.PointInTime;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary>The physical half of <c>o4o backup list</c>: pgBackRest's sets, oldest first, and the recovery window they open.</summary>
internal static class PhysicalBackupList
{
    public static async Task RenderAsync(CliContext context, RepositoryInfo repository)
    {
        var output = CliConsole.Output(context);
        output.WriteLine();
        output.WriteLine(Strings.PhysicalListTitle);
        if (repository.Backups.Count == 0)
        {
            await context.Error.WriteLineAsync(Strings.PhysicalListEmpty);
            await context.Error.WriteLineAsync(Strings.NoRecoveryWindow);
            return;
        }

        var table = new Table().AddColumns(Strings.ColumnLabel, Strings.ColumnType, Strings.ColumnStopped, Strings.ColumnSize,
            Strings.ColumnRepositorySize, Strings.ColumnWal);
        foreach (var set in repository.Backups)
        {
            table.AddRow(set.Label, set.Type, Utc(set.Stopped), Sizes.Size(set.Size), Sizes.Size(set.RepositorySize), $"{set.WalStart} - {set.WalStop}");
        }

        output.Write(table);
        output.WriteLine(Resources.Text.Format(Strings.RecoveryWindow, Utc(repository.RecoverableSince!.Value), repository.NewestWal ?? "-"));
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

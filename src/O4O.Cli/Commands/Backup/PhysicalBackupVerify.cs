using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o backup verify --physical</c>: <c>pgbackrest verify</c> over the whole repository (every set and archived WAL
/// segment); each damaged or missing file named on stderr, and exit 4 as for a corrupt archive.
/// </summary>
internal static class PhysicalBackupVerify
{
    public static async Task<int> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var backups = BackupEnvironment.From(context).PhysicalBackups();
        await context.Error.WriteLineAsync(Strings.PhysicalVerifying);
        var result = await backups.VerifyAsync(cancellationToken);
        foreach (var line in result.Summary)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.PhysicalBackupStep, line));
        }

        if (result.Passed)
        {
            await context.Error.WriteLineAsync(Strings.PhysicalVerified);
            return ExitCodes.Success;
        }

        foreach (var problem in result.Problems.DefaultIfEmpty(Strings.PhysicalVerifyFailed))
        {
            await CliConsole.FailAsync(context, Text.Format(Strings.PhysicalVerifyProblem, problem));
        }

        return ExitCodes.BackupCorrupt;
    }
}

using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o backup create --physical</c>: pgBackRest backs up the running managed cluster (as the service user), each step
/// it takes on stderr as it goes, the new set's label on stdout.
/// </summary>
internal static class PhysicalBackupCreate
{
    public static async Task<int> RunAsync(CliContext context, string type, CancellationToken cancellationToken)
    {
        var environment = BackupEnvironment.From(context);
        var backups = environment.PhysicalBackups();
        // pgBackRest needs the cluster up: say so as every other command does, not in pgBackRest's words.
        environment.Server();
        await context.Error.WriteLineAsync(Text.Format(Strings.PhysicalBackupTaking, type));
        var taken = await backups.TakeAsync(type, line => context.Error.WriteLine(Text.Format(Strings.PhysicalBackupStep, line)), cancellationToken);
        await context.Out.WriteLineAsync(taken.Set.Label);
        await context.Error.WriteLineAsync(Text.Format(Strings.PhysicalBackupCreated, taken.Set.Type, taken.Set.Label, Sizes.Size(taken.Set.Size),
            Sizes.Size(taken.Set.RepositorySize), taken.Duration.TotalSeconds, taken.Set.WalStart, taken.Set.WalStop));
        return ExitCodes.Success;
    }
}

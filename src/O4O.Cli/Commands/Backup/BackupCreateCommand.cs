using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o backup create [--include-secrets]</c>: prints the new archive's path on stdout, and with <c>Offsite:Endpoint</c> set
/// takes it off-site (<see cref="OffsiteAfterBackup"/>);
/// <c>o4o backup create --physical [--type full|diff|incr]</c>: a pgBackRest backup of the managed cluster, its label on stdout.
/// </summary>
internal static class BackupCreateCommand
{
    public static Command Create(CliContext context)
    {
        var includeSecrets = new Option<bool>("--include-secrets") { Description = Strings.OptionIncludeSecrets };
        var physical = new Option<bool>("--physical") { Description = Strings.OptionPhysical };
        var type = new Option<string>("--type") { Description = Strings.OptionPhysicalType };
        type.AcceptOnlyFromAmong([.. Recovery.PointInTime.PhysicalBackups.Types]);
        var command = new Command("create", Strings.BackupCreateDescription);
        command.Options.Add(includeSecrets);
        command.Options.Add(physical);
        command.Options.Add(type);
        command.Validators.Add(result =>
        {
            var isPhysical = result.GetValue(physical);
            if ((isPhysical && result.GetValue(includeSecrets)) || (!isPhysical && result.GetResult(type) is not null))
            {
                result.AddError(Strings.PhysicalOptionsConflict);
            }
        });
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            if (parsed.GetValue(physical))
            {
                return await PhysicalBackupCreate.RunAsync(context, parsed.GetValue(type) ?? "incr", cancellationToken);
            }

            var environment = BackupEnvironment.From(context);
            if (environment.Offsite.Enabled)
            {
                // Before the dump: a bucket that cannot be used is one line, not an archive left local with an error after it.
                environment.Offsite.ThrowIfInvalid();
            }

            var (result, anomaly) = await CliConsole.WithProgressAsync(context, Strings.BackupDumping,
                progress => environment.CreateLogicalAsync(parsed.GetValue(includeSecrets), progress, cancellationToken));
            var name = Path.GetFileName(result.ArchivePath);
            await context.Out.WriteLineAsync(result.ArchivePath);
            await context.Error.WriteLineAsync(Text.Format(Strings.BackupCreated,
                name, Sizes.Size(result.Size), result.Manifest.RowCounts.Count, result.Manifest.Duration.TotalSeconds));
            if (anomaly.Suspicious)
            {
                await CliConsole.FailAsync(context, Text.Format(Strings.BackupSuspicious, name, anomaly.Score, string.Join("; ", anomaly.Reasons),
                    environment.Backup.KeepDaysBeforeSuspicious));
            }

            if (environment.Offsite.Enabled)
            {
                await OffsiteAfterBackup.RunAsync(context, environment, name, cancellationToken);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}

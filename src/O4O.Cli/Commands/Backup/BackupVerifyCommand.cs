using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o backup verify [NAME | --all]</c>: checksums, chain and a test restore; <c>o4o backup verify --physical</c>: pgBackRest's
/// repository against its checksums; <c>o4o backup verify --offsite NAME</c>: the archive's off-site copy. Exit 4 when anything fails.
/// </summary>
internal static class BackupVerifyCommand
{
    public static Command Create(CliContext context)
    {
        var nameArgument = new Argument<string>("name") { Description = Strings.ArgumentBackupName, DefaultValueFactory = _ => "latest" };
        var allOption = new Option<bool>("--all") { Description = Strings.OptionVerifyAll };
        var physicalOption = new Option<bool>("--physical") { Description = Strings.OptionVerifyPhysical };
        var offsiteOption = new Option<bool>("--offsite") { Description = Strings.OptionVerifyOffsite };
        var command = new Command("verify", Strings.BackupVerifyDescription);
        command.Arguments.Add(nameArgument);
        command.Options.Add(allOption);
        command.Options.Add(physicalOption);
        command.Options.Add(offsiteOption);
        command.Validators.Add(result =>
        {
            if (result.GetValue(physicalOption) && (result.GetValue(allOption) || result.GetResult(nameArgument) is { Tokens.Count: > 0 }))
            {
                result.AddError(Strings.PhysicalVerifyNameConflict);
            }

            if (result.GetValue(offsiteOption) && (result.GetValue(allOption) || result.GetValue(physicalOption) || result.GetResult(nameArgument) is not { Tokens.Count: > 0 }))
            {
                result.AddError(Strings.OffsiteVerifyNeedsName);
            }
        });
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            if (parsed.GetValue(physicalOption))
            {
                return await PhysicalBackupVerify.RunAsync(context, cancellationToken);
            }

            var environment = BackupEnvironment.From(context);
            if (parsed.GetValue(offsiteOption))
            {
                return await OffsiteVerify.RunAsync(context, environment, parsed.GetValue(nameArgument)!, cancellationToken);
            }

            environment.EnsureDefaultDirectory();
            var all = parsed.GetValue(allOption);
            var names = all
                ? ArchiveName.ListArchives(environment.Directory).Select(Path.GetFileName).OfType<string>().ToList()
                : [ArchiveLocator.Find(environment.Directory, parsed.GetValue(nameArgument)!)];
            var verifier = new BackupVerifier(environment.Directory, environment.Server(), environment.Catalogue(), context.Time);
            var failed = 0;
            foreach (var name in names)
            {
                VerifyResult result;
                try
                {
                    result = await CliConsole.WithProgressAsync(context, Text.Format(Strings.BackupVerifying, Path.GetFileName(name)),
                        progress => verifier.VerifyAsync(name, progress, cancellationToken));
                }
                catch (BackupFailedException notAnArchive) when (all)
                {
                    // A FIFO or a device named like an archive is not one: --all goes on to the archives after it.
                    await context.Error.WriteLineAsync(Text.Format(Strings.BackupVerifySkipped, name, notAnArchive.Message));
                    continue;
                }

                if (result.Passed)
                {
                    await context.Error.WriteLineAsync(Text.Format(Strings.BackupVerified, result.Archive));
                    if (result.Note is { } note)
                    {
                        await context.Error.WriteLineAsync(note);
                    }
                }
                else
                {
                    failed++;
                    await CliConsole.FailAsync(context, result.Failure!);
                }
            }

            return failed == 0 ? ExitCodes.Success : ExitCodes.BackupCorrupt;
        });
        return command;
    }
}

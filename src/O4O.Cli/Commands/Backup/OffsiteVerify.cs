using O4O.Cli.Resources;
using O4O.Recovery.Offsite;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup verify --offsite NAME</c>: downloads, decrypts and verifies the archive's copy in the bucket; exit 4 when it fails.</summary>
internal static class OffsiteVerify
{
    public static async Task<int> RunAsync(CliContext context, BackupEnvironment environment, string name, CancellationToken cancellationToken)
    {
        if (!environment.Offsite.Enabled)
        {
            await CliConsole.FailAsync(context, Strings.OffsiteNotConfigured);
            return ExitCodes.UsageError;
        }

        var verifier = new OffsiteVerifier(environment.Home, environment.Offsite, environment.Server(), environment.Catalogue(), context.Time);
        var result = await CliConsole.WithProgressAsync(context, Text.Format(Strings.BackupVerifyingOffsite, name),
            progress => verifier.VerifyAsync(name, progress, cancellationToken));
        if (!result.Passed)
        {
            await CliConsole.FailAsync(context, result.Failure!);
            return ExitCodes.BackupCorrupt;
        }

        await context.Error.WriteLineAsync(Text.Format(Strings.BackupVerifiedOffsite, result.Archive));
        return ExitCodes.Success;
    }
}

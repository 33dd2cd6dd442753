using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Secrets;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o secrets rotate [--yes]</c>: after a leak (the runbook's scenario 2), every secret an intruder may have read is
/// replaced: the token signing key (everyone signed out), the dashboard's operator token, the platform's database
/// password and the admin's password, which is printed once on stdout. The platform is restarted through the conductor
/// to take the key and the password; each step is on the record (<see cref="SecretRotation"/>).
/// </summary>
internal static class SecretsCommand
{
    private static readonly TimeSpan _restartWait = TimeSpan.FromSeconds(90);

    public static Command Create(CliContext context)
    {
        var yes = new Option<bool>("--yes") { Description = Strings.OptionSecretsYes };
        var rotate = new Command("rotate", Strings.SecretsRotateDescription) { Options = { yes } };
        rotate.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            if (!parsed.GetValue(yes) && (!context.CanAsk || !CliConsole.Confirm(context, Strings.SecretsRotateConfirm)))
            {
                await CliConsole.FailAsync(context, context.CanAsk ? Strings.SecretsRotateDeclined : Strings.SecretsRotateNeedsYes);
                return ExitCodes.Failure;
            }

            return await RotateAsync(context, cancellationToken);
        });
        return new Command("secrets", Strings.SecretsDescription) { Subcommands = { rotate } };
    }

    private static async Task<int> RotateAsync(CliContext context, CancellationToken cancellationToken)
    {
        var environment = BackupEnvironment.From(context);
        var server = environment.Server();
        var actor = UpControl.Actor;
        var rotation = new SecretRotation(context.Home, server, new RestoreRecord(context, new EventLog(context.Home.StateDatabase), actor), actor, context.Time);

        var configuredKey = !string.IsNullOrWhiteSpace(context.Configuration()[ConductorOptions.PlatformSigningKey]);
        var accounts = await rotation.SignOutEveryoneAsync(configuredKey, cancellationToken);
        await context.Error.WriteLineAsync(Text.Format(configuredKey ? Strings.SecretsSigningKeyConfigured : Strings.SecretsSigningKeyRotated, accounts));
        await rotation.RotateOperatorTokenAsync(cancellationToken);
        await context.Error.WriteLineAsync(Strings.SecretsOperatorTokenRotated);
        if (server.OwnerRole is null)
        {
            await context.Error.WriteLineAsync(Strings.SecretsDatabasePasswordExternal);
        }
        else
        {
            await rotation.RotateDatabasePasswordAsync(cancellationToken);
            await context.Error.WriteLineAsync(Strings.SecretsDatabasePasswordRotated);
        }

        var email = context.Bind<AdminOptions>(AdminOptions.Section).Email;
        var password = await rotation.RotateAdminPasswordAsync(email, cancellationToken);
        await context.Out.WriteLineAsync(password);
        await context.Out.FlushAsync(cancellationToken);
        await context.Error.WriteLineAsync(Text.Format(Strings.SecretsAdminPasswordRotated, email));
        return await RestartPlatformAsync(context, actor, cancellationToken);
    }

    /// <summary>The platform reads its signing key and database password at start: a running conductor restarts it.</summary>
    private static async Task<int> RestartPlatformAsync(CliContext context, string actor, CancellationToken cancellationToken)
    {
        var restartedAt = context.Time.GetUtcNow();
        switch (await ConductorRestarts.RestartPlatformAsync(context, actor, _restartWait, cancellationToken))
        {
            case null:
                await context.Error.WriteLineAsync(Strings.SecretsNoConductor);
                break;
            case false:
                await CliConsole.FailAsync(context, Strings.SecretsPlatformNotBack);
                return ExitCodes.Failure;
            case true:
                await ConductorRestarts.WaitForPlatformAsync(context, restartedAt, cancellationToken);
                await context.Error.WriteLineAsync(Strings.SecretsPlatformRestarted);
                break;
        }

        return ExitCodes.Success;
    }
}

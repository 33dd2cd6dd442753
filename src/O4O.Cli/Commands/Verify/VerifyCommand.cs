using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;
using O4O.Recovery.Verification;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o verify [--json]</c>: the runbook's phase 4 — health, products, smoke-test login, admin, storefront, ten timed
/// health requests, a bounded load test and the integrity counts against the newest backup. Exit 0 only when all pass.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = Strings.VerifyJsonOption };
        var command = new Command("verify", Strings.VerifyDescription);
        command.Options.Add(json);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var report = await RunAsync(context, cancellationToken);
            if (result.GetValue(json))
            {
                await context.Out.WriteLineAsync(CliJson.Serialize(report));
            }
            else
            {
                foreach (var check in report.Checks)
                {
                    // The check's name stays (scripts grep it); what it checked is said in the user's language, the engine's detail after it.
                    await context.Out.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "{0} {1,-14} {2,8:0.0} ms  {3}: {4}",
                        check.Passed ? Strings.VerifyPass : Strings.VerifyFail, check.Name, check.DurationMs, Label(check.Name), CommandInvoker.OneLine(check.Detail)));
                }

                await context.Error.WriteLineAsync(report.Passed ? Strings.VerifyPassed
                    : Text.Format(Strings.VerifyFailed, report.Checks.Count(check => !check.Passed), report.Checks.Count));
            }

            return report.Passed ? ExitCodes.Success : ExitCodes.Unhealthy;
        });
        return command;
    }

    private static string Label(string check) => check switch
    {
        "health" => Strings.VerifyCheckHealth,
        "products" => Strings.VerifyCheckProducts,
        "login" => Strings.VerifyCheckLogin,
        "admin" => Strings.VerifyCheckAdmin,
        "storefront" => Strings.VerifyCheckStorefront,
        "response-time" => Strings.VerifyCheckResponseTime,
        "load" => Strings.VerifyCheckLoad,
        "integrity" => Strings.VerifyCheckIntegrity,
        _ => check,
    };

    /// <summary>What <c>o4o verify --json</c> prints.</summary>
    internal sealed record VerifyReport(bool Passed, Uri BaseAddress, IReadOnlyList<CheckResult> Checks);

    public static async Task<VerifyReport> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var options = context.Bind<VerifyOptions>(VerifyOptions.Section);
        if (string.IsNullOrWhiteSpace(options.Email))
        {
            // The account the platform seeds for this home; before its first start the login check says what is missing.
            options.Email = SmokeTestAccount.Email;
            options.Password = SmokeTestAccount.ReadPassword(context.Home);
        }

        var baseAddress = BaseAddress(context);
        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var checks = (await new PlatformVerifier(client, baseAddress, options, context.Time).RunAsync(cancellationToken)).ToList();
        checks.Add(await IntegrityAsync(context, cancellationToken));
        return new VerifyReport(checks.TrueForAll(check => check.Passed), baseAddress, checks);
    }

    /// <summary>The platform verified: <c>Verify:BaseAddress</c>, else the running conductor's platform, else <c>Platform:Port</c>.</summary>
    public static Uri BaseAddress(CliContext context) =>
        context.Bind<VerifyOptions>(VerifyOptions.Section).BaseAddress
            ?? PlatformLaunch.BaseAddressFor(ConductorRecord.ReadRunning(context.Home)?.Platform.Port ?? context.Bind<PlatformOptions>(PlatformOptions.Section).Port);

    /// <summary>The integrity counts against the newest backup in the backup directory.</summary>
    public static Task<CheckResult> IntegrityAsync(CliContext context, CancellationToken cancellationToken) =>
        new IntegrityCheck(DatabaseCommands.Target(context).ToConnectionString(), BackupDirectory(context), context.Time).RunAsync(cancellationToken);

    /// <summary>Where backups are: <c>Backup:Directory</c>, else <c>$O4O_HOME/backups</c>.</summary>
    public static string BackupDirectory(CliContext context) => context.Bind<BackupOptions>(BackupOptions.Section).DirectoryFor(context.Home);
}

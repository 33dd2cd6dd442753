using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using O4O.Cli.Commands;
using O4O.Cli.Resources;

namespace O4O.Cli;

/// <summary>The <c>o4o</c> command tree: one class per command under <c>Commands/</c>, a folder per feature (shared parts in <c>Shared/</c>).</summary>
internal static class O4OCommandLine
{
    /// <summary><c>--lang ko</c> (or <c>O4O_LANG=ko</c>) switches human output to Korean.</summary>
    public static readonly Option<string?> Language = new("--lang") { Recursive = true };

    public static RootCommand Build(CliContext? context = null)
    {
        context ??= CliContext.FromEnvironment();
        var root = new RootCommand(Strings.RootDescription + " " + Strings.ExitCodesHelp);
        // Set here, not where the option is declared: a static initialiser would keep the language of its first use.
        Language.Description = Strings.OptionLang;
        root.Options.Add(Language);
        root.Options.OfType<HelpOption>().Single().Description = Strings.OptionHelp;
        root.Subcommands.Add(UpCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(PsqlCommand.Create(context));
        root.Subcommands.Add(DbCommand.Create(context));
        root.Subcommands.Add(BackupCommand.Create(context));
        root.Subcommands.Add(RestoreCommand.Create(context));
        root.Subcommands.Add(AutoRecoveryCommand.Create(context));
        root.Subcommands.Add(RestartCommand.Create(context));
        root.Subcommands.Add(SwitchoverCommand.Create(context));
        root.Subcommands.Add(MaintenanceCommand.Create(context));
        root.Subcommands.Add(IsolateCommand.Create(context));
        root.Subcommands.Add(LogsCommand.Create(context));
        root.Subcommands.Add(IncidentCommand.Create(context));
        root.Subcommands.Add(VerifyCommand.Create(context));
        root.Subcommands.Add(AuditCommand.Create(context));
        root.Subcommands.Add(RecoverCommand.Create(context));
        root.Subcommands.Add(TokenCommand.Create(context));
        root.Subcommands.Add(SecretsCommand.Create(context));
        root.Subcommands.Add(DeployCommand.Create(context));
        root.Subcommands.Add(ReleasesCommand.Create(context));
        root.Subcommands.Add(RollbackCommand.Create(context));
        root.Subcommands.Add(InstallCommand.Create(context));
        root.Subcommands.Add(UninstallCommand.Create(context));
        return root;
    }

    /// <summary>Runs <paramref name="args"/>; tests pass their own <paramref name="context"/> (home, settings, writers).</summary>
    public static async Task<int> InvokeAsync(string[] args, CliContext? context = null)
    {
        context ??= CliContext.FromEnvironment();
        if (!TryApplyLanguage(args, out var unknown))
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine, Text.Format(Strings.ErrorUnknownLanguage, unknown)));
            return ExitCodes.UsageError;
        }

        var parsed = Build(context).Parse(args);
        return await CommandInvoker.InvokeAsync(parsed, context);
    }

    /// <summary>
    /// Applied before parsing so that help and parse errors are localised too. Only the languages O4O speaks are
    /// accepted: any other culture would silently fall back to English, and a malformed name would throw.
    /// </summary>
    private static bool TryApplyLanguage(string[] args, out string? unknown)
    {
        var index = Array.IndexOf(args, "--lang");
        var language = index >= 0 && index + 1 < args.Length
            ? args[index + 1]
            : Environment.GetEnvironmentVariable("O4O_LANG");
        unknown = null;
        if (string.IsNullOrWhiteSpace(language))
        {
            return true;
        }

        if (Spoken(language) is not { } culture)
        {
            unknown = language;
            return false;
        }

        CultureInfo.DefaultThreadCurrentUICulture = culture;
        CultureInfo.CurrentUICulture = culture;
        return true;
    }

    private static CultureInfo? Spoken(string language)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(language, predefinedOnly: true);
            return culture.TwoLetterISOLanguageName is "en" or "ko" ? culture : null;
        }
        catch (CultureNotFoundException)
        {
            return null;
        }
    }
}

using System.CommandLine;
using System.Globalization;
using O4O.Cli.Commands;
using O4O.Cli.Resources;

namespace O4O.Cli;

/// <summary>The <c>o4o</c> command tree: one class per command under <c>Commands/</c>.</summary>
internal static class O4OCommandLine
{
    /// <summary><c>--lang ko</c> (or <c>O4O_LANG=ko</c>) switches human output to Korean.</summary>
    public static readonly Option<string?> Language = new("--lang")
    {
        Description = Strings.OptionLang,
        Recursive = true,
    };

    public static RootCommand Build(CliContext? context = null)
    {
        context ??= CliContext.FromEnvironment();
        var root = new RootCommand(Strings.RootDescription + " " + Strings.ExitCodesHelp);
        root.Options.Add(Language);
        root.Subcommands.Add(UpCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(PsqlCommand.Create(context));
        root.Subcommands.Add(DbCommand.Create(context));
        root.Subcommands.Add(Commands.BackupCommand.Build());
        root.Subcommands.Add(Commands.RestoreCommand.Build());
        root.Subcommands.Add(AutoRecoveryCommand.Create(context));
        root.Subcommands.Add(RestartCommand.Create(context));
        root.Subcommands.Add(MaintenanceCommand.Create(context));
        root.Subcommands.Add(LogsCommand.Create(context));
        return root;
    }

    /// <summary>Runs <paramref name="args"/>; tests pass their own <paramref name="context"/> (home, settings, writers).</summary>
    public static async Task<int> InvokeAsync(string[] args, CliContext? context = null)
    {
        ApplyLanguage(args);
        context ??= CliContext.FromEnvironment();
        var parsed = Build(context).Parse(args);
        return await CommandInvoker.InvokeAsync(parsed, context);
    }

    /// <summary>Applied before parsing so that help and parse errors are localised too.</summary>
    private static void ApplyLanguage(string[] args)
    {
        var index = Array.IndexOf(args, "--lang");
        var language = index >= 0 && index + 1 < args.Length
            ? args[index + 1]
            : Environment.GetEnvironmentVariable("O4O_LANG");
        if (string.IsNullOrWhiteSpace(language))
        {
            return;
        }

        var culture = CultureInfo.GetCultureInfo(language);
        CultureInfo.DefaultThreadCurrentUICulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }
}

using System.CommandLine;
using Microsoft.Extensions.Configuration;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;
using O4O.Recovery.Systemd;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o install --systemd [--user o4o] [--home /var/lib/o4o] [--print]</c>: the conductor as a systemd service on a
/// production machine — a system user, its home, and a <c>Type=notify</c> unit with a watchdog and hardening
/// (<see cref="SystemdUnit"/>), verified with <c>systemd-analyze verify</c> before it is enabled.
/// </summary>
internal static class InstallCommand
{
    public const string DefaultName = "o4o";

    // ProtectHome=yes hides these from the service: a build under them could not be started.
    private static readonly string[] _hiddenFromTheService = ["/home/", "/root/", "/run/user/"];

    public static Command Create(CliContext context)
    {
        var systemd = new Option<bool>("--systemd") { Description = Strings.InstallSystemdOption };
        var user = new Option<string>("--user") { Description = Strings.InstallUserOption, DefaultValueFactory = _ => DefaultName };
        var home = new Option<string>("--home") { Description = Strings.InstallHomeOption, DefaultValueFactory = _ => "/var/lib/o4o" };
        var name = NameOption();
        var directory = UnitDirectoryOption();
        var print = new Option<bool>("--print") { Description = Strings.InstallPrintOption };
        var command = new Command("install", Strings.InstallDescription) { Options = { systemd, user, home, name, directory, print } };
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            if (!parsed.GetValue(systemd))
            {
                await CliConsole.FailAsync(context, Strings.InstallNeedsSystemd);
                return ExitCodes.UsageError;
            }

            var unit = Unit(context, parsed.GetValue(name)!, parsed.GetValue(user)!, Path.GetFullPath(parsed.GetValue(home)!));
            if (parsed.GetValue(print))
            {
                await context.Out.WriteAsync(unit.Render());
                return ExitCodes.Success;
            }

            return await InstallAsync(context, unit, parsed.GetValue(directory)!, cancellationToken);
        });
        return command;
    }

    public static Option<string> NameOption() => new("--name") { Description = Strings.InstallNameOption, DefaultValueFactory = _ => DefaultName };

    public static Option<string> UnitDirectoryOption() =>
        new("--unit-directory") { Description = Strings.InstallUnitDirectoryOption, DefaultValueFactory = _ => SystemdUnit.DefaultDirectory };

    private static async Task<int> InstallAsync(CliContext context, SystemdUnit unit, string directory, CancellationToken cancellationToken)
    {
        if (!UnixProcess.IsRoot)
        {
            await CliConsole.FailAsync(context, Strings.InstallNeedsRoot);
            return ExitCodes.EnvironmentError;
        }

        string[] build = [.. unit.ExecStart.SkipLast(1), unit.PlatformAssembly];
        if (build.FirstOrDefault(path => _hiddenFromTheService.Any(hidden => path.StartsWith(hidden, StringComparison.Ordinal))) is { } hidden)
        {
            await CliConsole.FailAsync(context, Text.Format(Strings.InstallBuildInHome, hidden));
            return ExitCodes.EnvironmentError;
        }

        if (!await EnsurePrerequisitesAsync(context, unit.Home, cancellationToken))
        {
            return ExitCodes.EnvironmentError;
        }

        var created = await SystemdInstallation.EnsureUserAsync(unit.User, unit.Home, cancellationToken);
        await context.Error.WriteLineAsync(Text.Format(created ? Strings.InstallUserCreated : Strings.InstallUserExists, unit.User));
        foreach (var writable in unit.WritablePaths.Prepend(unit.Home))
        {
            await SystemdInstallation.PrepareDirectoryAsync(writable, unit.User, cancellationToken);
        }

        foreach (var path in build)
        {
            if (!await SystemdInstallation.CanReadAsync(unit.User, path, cancellationToken))
            {
                await CliConsole.FailAsync(context, Text.Format(Strings.InstallBuildUnreadable, unit.User, path));
                return ExitCodes.EnvironmentError;
            }
        }

        var written = SystemdInstallation.WriteUnit(unit, directory);
        if (await SystemdInstallation.VerifyAsync(written, cancellationToken) is { } complaint)
        {
            // Never leave a unit systemd would refuse where it would find it.
            File.Delete(written);
            await CliConsole.FailAsync(context, Text.Format(Strings.InstallVerifyFailed, complaint));
            return ExitCodes.Failure;
        }

        await context.Error.WriteLineAsync(Text.Format(Strings.InstallUnitWritten, written));
        await SystemdInstallation.EnableAsync(unit, cancellationToken);
        await context.Error.WriteLineAsync(SystemdInstallation.SystemdIsRunning
            ? Text.Format(Strings.InstallStarted, unit.Name, unit.Home, unit.User)
            : Text.Format(Strings.InstallSystemdNotRunning, unit.Name, unit.Home));
        return ExitCodes.Success;
    }

    // The service runs as its user, who cannot install packages: a missing PostgreSQL would be exit 5 and a restart every
    // few seconds. So what `o4o up` would install as root is installed now, for the home's configuration.
    private static async Task<bool> EnsurePrerequisitesAsync(CliContext context, string home, CancellationToken cancellationToken)
    {
        var configuration = HomeConfiguration(home);
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var nginx = configuration.GetSection(NginxOptions.Section).Get<NginxOptions>() ?? new NginxOptions();
        var archiving = configuration.GetSection(ArchivingOptions.Section).Get<ArchivingOptions>() ?? new ArchivingOptions();
        var host = Prerequisites.Probe(database, nginx);
        // As its user, not root: the cluster runs as the service's user, with no setpriv to postgres.
        var missing = Prerequisites.Missing(host with { Root = false }, database.LocalMode, nginx.Enabled, archiving.Enabled);
        return await Prerequisites.EnsureAsync(host, missing, context.Error, Prerequisites.AptGetAsync, cancellationToken);
    }

    private static IConfiguration HomeConfiguration(string home) =>
        new ConfigurationBuilder().AddJsonFile(new O4OHome(home).ConfigurationFile, optional: true).Build();

    private static SystemdUnit Unit(CliContext context, string name, string user, string home)
    {
        var assembly = PlatformLaunch.ResolveAssembly(context.Configuration()["Platform:Assembly"], AppContext.BaseDirectory);
        return new SystemdUnit(name, user, home, ConductorCommand(), assembly, BackupDirectoryOutside(home));
    }

    // Run the way this o4o runs: through the dotnet host when it is a framework-dependent o4o.dll, else the executable.
    private static string[] ConductorCommand()
    {
        var process = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, typeof(InstallCommand).Assembly.Location, "up"]
            : [process, "up"];
    }

    // The service reads its configuration from the home's o4o.json (the unit sets no other O4O__ variable than the
    // platform's path), so a backup directory configured there must be writable to it as well.
    private static string[] BackupDirectoryOutside(string home)
    {
        var backups = HomeConfiguration(home)[$"{BackupOptions.Section}:{nameof(BackupOptions.Directory)}"];
        if (string.IsNullOrWhiteSpace(backups))
        {
            return [];
        }

        var full = Path.GetFullPath(backups, home);
        return full.StartsWith(home.TrimEnd('/') + "/", StringComparison.Ordinal) ? [] : [full];
    }
}

using Microsoft.Extensions.Configuration;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Restore;
using O4O.Recovery.State;

namespace O4O.Cli.Commands;

/// <summary>What backup and restore commands need, read from $O4O_HOME and configuration, no conductor involved.</summary>
internal sealed class BackupEnvironment
{
    private BackupEnvironment(O4OHome home, IConfiguration configuration)
    {
        Home = home;
        Database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        Backup = configuration.GetSection(BackupOptions.Section).Get<BackupOptions>() ?? new BackupOptions();
        Directory = Backup.DirectoryFor(home);
    }

    public O4OHome Home { get; }

    public DatabaseOptions Database { get; }

    public BackupOptions Backup { get; }

    /// <summary>The backup directory in use.</summary>
    public string Directory { get; }

    public static BackupEnvironment Load()
    {
        var home = O4OHome.FromEnvironment();
        return new BackupEnvironment(home, O4OConfiguration.Build(home));
    }

    /// <summary>The same, for a command that runs against a <see cref="CliContext"/> (its home and settings).</summary>
    public static BackupEnvironment From(CliContext context) => new(context.Home, context.Configuration());

    /// <summary>The default directory is created on first use; a configured one must exist (it is usually a mount).</summary>
    public void EnsureDefaultDirectory()
    {
        if (string.IsNullOrWhiteSpace(Backup.Directory))
        {
            PrivateFiles.CreateDirectory(Directory);
        }
    }

    public BackupCatalogue Catalogue() => new(Home.StateDatabase, Directory);

    public ResolvedDatabaseServer Server() => ResolvedDatabaseServer.Resolve(Home, Database);

    public DatabaseRestore Restore() => new(Home, Server(), Catalogue(), TimeProvider.System);
}

using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Processes;
using O4O.Recovery.State;

namespace O4O.Recovery.Tests.Configuration;

/// <summary>Everything in <c>$O4O_HOME</c> that holds data is owner-only, made so at creation, in a process with any umask.</summary>
public sealed class HomePermissionsTests : IDisposable
{
    private const UnixFileMode Readable = (UnixFileMode)0b110_100_100; // 0644, an older version's files
    private const UnixFileMode Listable = (UnixFileMode)0b111_101_101; // 0755, its directories
    private readonly string _root = Directory.CreateTempSubdirectory("o4o-home-perms-").FullName;

    [Fact]
    public void A_new_home_and_its_directories_are_created_owner_only()
    {
        var home = new O4OHome(Path.Combine(_root, "home"));

        home.EnsureCreated();

        Assert.Equal(UnixProcess.IsRoot ? (UnixFileMode)0b111_001_001 : PrivateFiles.DirectoryMode, File.GetUnixFileMode(home.Root));
        Assert.All(new[] { home.Logs, home.Run, home.Secrets }, directory => Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(directory)));
    }

    [Fact]
    public async Task The_state_database_and_its_wal_and_shm_files_are_created_owner_only()
    {
        var path = Path.Combine(_root, "state", "state.db");

        await using (var connection = await StateDatabase.OpenAsync(path, CancellationToken.None))
        {
            Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            Assert.All(new[] { path, path + "-wal", path + "-shm" }, file => Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(file)));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Atomic_writes_are_owner_only_unless_asked_otherwise()
    {
        var path = Path.Combine(_root, "run", "conductor.json");

        AtomicFile.WriteAllText(path, "{}");

        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(path));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Tightening_takes_what_others_could_read_away_once_and_leaves_links_alone()
    {
        var home = new O4OHome(Path.Combine(_root, "home"));
        Directory.CreateDirectory(Path.Combine(home.Backups, "old"), Listable);
        File.SetUnixFileMode(home.Backups, Listable);
        Directory.CreateDirectory(home.Logs, Listable);
        File.SetUnixFileMode(home.Root, Listable);
        foreach (var file in new[] { home.StateDatabase, Path.Combine(home.Logs, "app-20260101.log"), Path.Combine(home.Backups, "old", "o4o_backup_20260101_000000.tar.gz") })
        {
            File.WriteAllText(file, "data");
            File.SetUnixFileMode(file, Readable);
        }

        File.CreateSymbolicLink(Path.Combine(home.Logs, "app.log"), "app-20260101.log");
        var executable = Path.Combine(home.Root, "hook.sh");
        File.WriteAllText(executable, "#!/bin/sh\n");
        File.SetUnixFileMode(executable, (UnixFileMode)0b111_101_101);

        var tightened = home.TightenPermissions();

        Assert.Equal([".", "backups", "backups/old", "backups/old/o4o_backup_20260101_000000.tar.gz", "hook.sh", "logs", "logs/app-20260101.log", "state.db"],
            tightened.Order(StringComparer.Ordinal));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(home.StateDatabase));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Path.Combine(home.Backups, "old")));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(executable)); // the owner keeps what was theirs
        Assert.Empty(home.TightenPermissions());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

using O4O.EndToEnd.Tests.Processes;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// Another local user reads nothing in <c>$O4O_HOME</c>: not the dumps with their password hashes, not the secrets, the
/// state or the logs. Checked as that user (<c>nobody</c>, through setpriv), on a running conductor after a backup.
/// </summary>
public sealed class HomePermissionsTests
{
    private const UnixFileMode Readable = (UnixFileMode)0b110_100_100; // 0644
    private const UnixFileMode Listable = (UnixFileMode)0b111_101_101; // 0755

    [Fact]
    public async Task Another_user_reads_nothing_in_the_home_of_a_running_conductor_after_a_backup()
    {
        await using var up = await SupervisedUp.StartAsync(prepareHome: LeaveWhatAnOlderVersionLeft);

        var backup = await up.CliAsync("backup", "create");
        Assert.True(backup.ExitCode == 0, backup.StandardError);

        Assert.Empty(await OtherUser.ReadableByNobodyAsync(up.Home.Root));
    }

    [Fact]
    public async Task Up_tightens_what_an_older_version_left_readable_and_says_so_in_one_line()
    {
        await using var up = await SupervisedUp.StartAsync(prepareHome: LeaveWhatAnOlderVersionLeft);

        var said = up.Up.Output.Split('\n').Where(line => line.Contains("readable by their owner only", StringComparison.Ordinal)).ToList();
        Assert.Equal($"Made 5 files and directories in {up.Home.Root} readable by their owner only (others could read them): ., backups, logs.", Assert.Single(said));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(up.Home.Backups, "o4o_backup_20250101_000000.sql")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(up.Home.Backups));
    }

    // The fixture's home is 0755, as a directory an operator made by hand would be.
    private static void LeaveWhatAnOlderVersionLeft(string home)
    {
        foreach (var directory in new[] { "logs", "backups" })
        {
            Directory.CreateDirectory(Path.Combine(home, directory), Listable);
        }

        foreach (var file in new[] { "logs/app-20250101.log", "backups/o4o_backup_20250101_000000.sql" })
        {
            File.WriteAllText(Path.Combine(home, file), "password hashes");
            File.SetUnixFileMode(Path.Combine(home, file), Readable);
        }
    }
}

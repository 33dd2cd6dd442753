using System.Diagnostics;
using O4O.Recovery.IO;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Systemd;

/// <summary>
/// What <c>o4o install --systemd</c> and <c>o4o uninstall</c> do to the machine: the system user, the home it owns, the
/// unit written atomically and checked with <c>systemd-analyze verify</c>, and <c>systemctl</c>. Where systemd is not
/// PID 1 (a container, a chroot, an image being built) the unit is still written, verified and enabled (systemctl
/// enables by symlinks without a running manager), and only the start is left to the next boot.
/// </summary>
public static class SystemdInstallation
{
    private const UnixFileMode UnitMode = (UnixFileMode)0b110_100_100;

    /// <summary>Whether systemd manages this machine (<c>sd_booted</c>: the directory exists only under a running systemd).</summary>
    public static bool SystemdIsRunning => Directory.Exists("/run/systemd/system");

    /// <summary>Creates <paramref name="user"/> as a system user without a login when missing; true when it was created.</summary>
    /// <exception cref="SystemdInstallException"><c>useradd</c> failed.</exception>
    public static async Task<bool> EnsureUserAsync(string user, string home, CancellationToken cancellationToken)
    {
        if ((await RunAsync(cancellationToken, "id", "-u", user)).ExitCode == 0)
        {
            return false;
        }

        await RunOrThrowAsync(cancellationToken, "useradd", "--system", "--user-group", "--home-dir", home, "--no-create-home",
            "--shell", "/usr/sbin/nologin", "--comment", "O4O Platform", user);
        return true;
    }

    /// <summary>
    /// Creates <paramref name="directory"/> for <paramref name="user"/> alone (0700: the conductor runs as that user, and
    /// so does PostgreSQL, so nobody else needs to pass through). An existing directory is kept as it is, data and all,
    /// when the user owns it; one someone else owns is refused rather than taken over.
    /// </summary>
    /// <exception cref="SystemdInstallException">The directory belongs to another user, or chown failed.</exception>
    public static async Task PrepareDirectoryAsync(string directory, string user, CancellationToken cancellationToken)
    {
        if (Directory.Exists(directory))
        {
            var owner = (await RunOrThrowAsync(cancellationToken, "stat", "-c", "%U", directory)).StandardOutput.Trim();
            if (owner != user)
            {
                throw new SystemdInstallException($"{directory} exists and belongs to {owner}, not {user}: hand it over (chown -R {user}: {directory}) or choose another --home.");
            }

            return;
        }

        Directory.CreateDirectory(directory, PrivateFiles.DirectoryMode);
        await RunOrThrowAsync(cancellationToken, "chown", $"{user}:{user}", directory);
    }

    /// <summary>Whether <paramref name="user"/> can read <paramref name="path"/> (every directory on the way included).</summary>
    public static async Task<bool> CanReadAsync(string user, string path, CancellationToken cancellationToken) =>
        (await RunAsync(cancellationToken, "setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--", "test", "-r", path)).ExitCode == 0;

    /// <summary>Writes the unit (0644, temp file, fsync, rename) into <paramref name="directory"/>; returns its path.</summary>
    public static string WriteUnit(SystemdUnit unit, string directory)
    {
        var path = Path.Combine(directory, unit.FileName);
        AtomicFile.WriteAllText(path, unit.Render(), UnitMode);
        return path;
    }

    /// <summary>
    /// <c>systemd-analyze verify</c> on the unit: null when it passes, else its complaint. Its warnings about other
    /// units on the machine are not this unit's problem; any line naming this unit's file is.
    /// </summary>
    /// <exception cref="SystemdInstallException">systemd-analyze is not installed.</exception>
    public static async Task<string?> VerifyAsync(string unitPath, CancellationToken cancellationToken)
    {
        CommandResult result;
        try
        {
            result = await RunAsync(cancellationToken, "systemd-analyze", "verify", unitPath);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new SystemdInstallException("systemd-analyze was not found (Debian: apt-get install systemd): the unit cannot be verified.");
        }

        var about = (result.StandardError + result.StandardOutput).Split('\n')
            .Where(line => line.Contains(Path.GetFileName(unitPath), StringComparison.Ordinal)).ToList();
        return result.ExitCode != 0 || about.Count > 0
            ? string.Join(" ", about.DefaultIfEmpty(result.LastErrorLine))
            : null;
    }

    /// <summary><c>systemctl enable</c> (and <c>--now</c>, with a daemon-reload first, when systemd runs).</summary>
    /// <exception cref="SystemdInstallException">systemctl failed.</exception>
    public static async Task EnableAsync(SystemdUnit unit, CancellationToken cancellationToken)
    {
        if (SystemdIsRunning)
        {
            await RunOrThrowAsync(cancellationToken, "systemctl", "daemon-reload");
            await RunOrThrowAsync(cancellationToken, "systemctl", "enable", "--now", unit.FileName);
        }
        else
        {
            await RunOrThrowAsync(cancellationToken, "systemctl", "enable", unit.FileName);
        }
    }

    /// <summary>
    /// <c>systemctl disable</c> (<c>--now</c> when systemd runs, which stops the conductor and so the shop), removes the
    /// unit file and reloads systemd. The user and the home stay.
    /// </summary>
    /// <exception cref="SystemdInstallException">systemctl failed.</exception>
    public static async Task RemoveAsync(string unitPath, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(unitPath);
        await RunOrThrowAsync(cancellationToken, SystemdIsRunning ? ["systemctl", "disable", "--now", name] : ["systemctl", "disable", name]);
        File.Delete(unitPath);
        AtomicFile.FlushDirectory(Path.GetDirectoryName(unitPath)!);
        if (SystemdIsRunning)
        {
            await RunOrThrowAsync(cancellationToken, "systemctl", "daemon-reload");
        }
    }

    private static Task<CommandResult> RunAsync(CancellationToken cancellationToken, params string[] command) =>
        CommandRunner.RunAsync(new ProcessStartInfo(command[0], command[1..]), cancellationToken);

    private static async Task<CommandResult> RunOrThrowAsync(CancellationToken cancellationToken, params string[] command)
    {
        CommandResult result;
        try
        {
            result = await RunAsync(cancellationToken, command);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new SystemdInstallException($"{command[0]} was not found.");
        }

        return result.ExitCode == 0
            ? result
            : throw new SystemdInstallException($"{string.Join(' ', command)} failed: {result.LastErrorLine}");
    }
}

/// <summary>A step of installing or removing the service failed; the message says which and why.</summary>
public sealed class SystemdInstallException(string message) : Exception(message);

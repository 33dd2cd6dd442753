using System.Diagnostics;
using O4O.Recovery.Processes;
using O4O.Recovery.Systemd;

namespace O4O.Cli.Tests.Commands;

/// <summary>
/// <c>o4o install --systemd</c> and <c>o4o uninstall</c> on this machine, as root: a real system user, a real unit in
/// <c>/etc/systemd/system</c> (where <c>systemctl enable</c> finds it), checked by the real <c>systemd-analyze</c>.
/// </summary>
[Collection(LocalisedOutput.Collection)]
public sealed class InstallTests
{
    private static readonly string _o4o = Path.Combine(AppContext.BaseDirectory, "o4o.dll");

    [Fact]
    public async Task The_printed_unit_passes_systemd_analyze_verify_and_runs_the_conductor_as_notify_with_a_watchdog_confined_to_its_home()
    {
        var directory = Directory.CreateTempSubdirectory("o4o-unit-").FullName;
        try
        {
            var printed = await CommandRunner.RunAsync(new ProcessStartInfo("dotnet", [_o4o, "install", "--systemd", "--print", "--home", "/srv/o4o shop"]));
            Assert.True(printed.ExitCode == 0, printed.StandardError);
            var unit = Path.Combine(directory, "o4o.service");
            await File.WriteAllTextAsync(unit, printed.StandardOutput);

            var verify = await CommandRunner.RunAsync(new ProcessStartInfo("systemd-analyze", ["verify", unit]));

            Assert.True(verify.ExitCode == 0 && verify.StandardError.Length == 0, $"systemd-analyze verify: {verify.StandardError}\n{printed.StandardOutput}");
            var lines = printed.StandardOutput.Split('\n');
            Assert.Contains("Type=notify", lines);
            Assert.Contains("WatchdogSec=60", lines);
            Assert.Contains("Restart=always", lines);
            Assert.Contains("User=o4o", lines);
            Assert.Contains("ProtectSystem=strict", lines);
            Assert.Contains("ReadWritePaths=\"/srv/o4o shop\"", lines);
            Assert.Contains("NoNewPrivileges=yes", lines);
            Assert.Contains("PrivateTmp=yes", lines);
            Assert.Contains("ProtectHome=yes", lines);
            Assert.Contains("Environment=\"O4O_HOME=/srv/o4o shop\"", lines);
            Assert.Contains(lines, line => line.StartsWith("ExecStart=", StringComparison.Ordinal) && line.EndsWith($"\"{_o4o}\" \"up\"", StringComparison.Ordinal));
            Assert.Equal("/srv/o4o shop", SystemdUnit.Setting(printed.StandardOutput, "Environment", "O4O_HOME"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Install_creates_the_user_and_its_home_enables_a_verified_unit_and_uninstall_removes_it_keeping_the_data()
    {
        using var cli = new CliRun();
        var (name, user) = TestService();
        var home = Path.Combine(cli.Root, "service home");
        var unit = Path.Combine(SystemdUnit.DefaultDirectory, name + ".service");
        var wanted = Path.Combine(SystemdUnit.DefaultDirectory, "multi-user.target.wants", name + ".service");
        try
        {
            var install = await cli.RunAsync("install", "--systemd", "--user", user, "--home", home, "--name", name);
            if (!BuildReadableByOthers())
            {
                // A checkout in a private directory (a CI clone in mktemp -d's 0700): the service user could not run it,
                // and install says so in one line and writes no unit. The rest needs a readable build.
                Assert.Equal(ExitCodes.EnvironmentError, install.ExitCode);
                Assert.Equal($"o4o: The user {user} cannot read {_o4o}, which the service runs: make the build readable to it (or install from a copy in /opt).",
                    install.ErrorLines[^1]);
                Assert.False(File.Exists(unit));
                return;
            }

            Assert.True(install.ExitCode == 0, install.Error);
            Assert.Equal($"Created the system user {user} (no login shell).", install.ErrorLines[0]);
            Assert.Equal($"Wrote {unit} (0644); systemd-analyze verify accepts it.", install.ErrorLines[1]);
            Assert.Equal(SystemdInstallation.SystemdIsRunning
                ? $"Enabled and started {name}.service: `systemctl status {name}`, `journalctl -u {name}`; logs in {home}/logs, data in {home}; run o4o commands as {user}: `sudo -u {user} env O4O_HOME={home} o4o status`."
                : $"systemd is not running on this machine (PID 1 is not systemd), so systemctl cannot start anything now: {name}.service is enabled and starts at the next boot under systemd, with its data in {home}.",
                install.ErrorLines[2]);
            Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(unit));
            Assert.Equal(unit, new FileInfo(wanted).LinkTarget);
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(home));
            Assert.Equal(user, await OwnerAsync(home));
            Assert.Equal("/usr/sbin/nologin", (await RunAsync("getent", "passwd", user)).Trim().Split(':')[^1]);
            var data = Path.Combine(home, "o4o.json");
            await File.WriteAllTextAsync(data, "{}");

            var again = await cli.RunAsync("install", "--systemd", "--user", user, "--home", home, "--name", name);
            Assert.True(again.ExitCode == 0, again.Error);
            Assert.Equal($"The user {user} exists; it is used as it is.", again.ErrorLines[0]);

            var unconfirmed = await cli.RunAsync("uninstall", "--name", name);
            Assert.Equal(ExitCodes.Failure, unconfirmed.ExitCode);
            Assert.Equal("o4o: Refusing to stop the shop without confirmation: stdin is not a terminal. Nothing was changed; pass --yes.", Assert.Single(unconfirmed.ErrorLines));
            Assert.True(File.Exists(unit));

            var uninstall = await cli.RunAsync("uninstall", "--name", name, "--yes");

            Assert.True(uninstall.ExitCode == 0, uninstall.Error);
            Assert.Equal($"Removed {unit}; the service is stopped and disabled. The data stays in {home} (cluster, backups, secrets, logs), owned by the user {user}: "
                + $"`o4o install --systemd` brings the service back over it, `userdel {user}` and removing {home} delete it for good.", Assert.Single(uninstall.ErrorLines));
            Assert.False(File.Exists(unit));
            Assert.False(File.Exists(wanted) || new FileInfo(wanted).LinkTarget is not null);
            Assert.Equal("{}", await File.ReadAllTextAsync(data));

            var nothing = await cli.RunAsync("uninstall", "--name", name, "--yes");
            Assert.Equal(ExitCodes.Failure, nothing.ExitCode);
            Assert.Equal($"o4o: There is no {unit}: nothing to uninstall.", Assert.Single(nothing.ErrorLines));
        }
        finally
        {
            File.Delete(wanted);
            File.Delete(unit);
            await CommandRunner.RunAsync(new ProcessStartInfo("userdel", [user]));
        }
    }

    [Fact]
    public async Task Install_refuses_a_home_another_user_owns_in_one_line()
    {
        using var cli = new CliRun();
        var (name, user) = TestService();
        var home = Path.Combine(cli.Root, "root's");
        Directory.CreateDirectory(home);
        try
        {
            var install = await cli.RunAsync("install", "--systemd", "--user", user, "--home", home, "--name", name);

            Assert.Equal(ExitCodes.Failure, install.ExitCode);
            Assert.Equal($"o4o: {home} exists and belongs to root, not {user}: hand it over (chown -R {user}: {home}) or choose another --home.", install.ErrorLines[^1]);
            Assert.False(File.Exists(Path.Combine(SystemdUnit.DefaultDirectory, name + ".service")));
        }
        finally
        {
            await CommandRunner.RunAsync(new ProcessStartInfo("userdel", [user]));
        }
    }

    [Fact]
    public async Task Install_without_systemd_and_install_not_as_root_are_one_line_each()
    {
        using var cli = new CliRun();

        var bare = await cli.RunAsync("install");
        var nobody = await CommandRunner.RunAsync(new ProcessStartInfo("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "dotnet", _o4o, "install", "--systemd"])
        {
            Environment = { ["DOTNET_CLI_HOME"] = cli.Root, ["O4O_HOME"] = cli.Home.Root },
        });

        Assert.Equal(ExitCodes.UsageError, bare.ExitCode);
        Assert.Equal("o4o: Say what to install: --systemd (o4o install --systemd --print shows the unit).", Assert.Single(bare.ErrorLines));
        if (!BuildReadableByOthers())
        {
            // nobody cannot even load a build in a private directory (a CI clone in mktemp -d's 0700).
            return;
        }

        Assert.Equal(ExitCodes.EnvironmentError, nobody.ExitCode);
        Assert.Equal("o4o: o4o install adds a user, a directory and a systemd unit: run it as root (o4o install --systemd --print shows the unit without changing anything).",
            nobody.StandardError.Trim());
    }

    /// <summary>Whether another user can reach and read the build the tests run: every directory above it searchable by others.</summary>
    private static bool BuildReadableByOthers()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if ((File.GetUnixFileMode(directory.FullName) & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return (File.GetUnixFileMode(_o4o) & UnixFileMode.OtherRead) != 0;
    }

    // A unit and a user of the test's own, removed afterwards: the machine's o4o, if any, is left alone.
    private static (string Name, string User) TestService()
    {
        Assert.True(UnixProcess.IsRoot, "o4o install adds a user and a unit: run the tests as root");
        var name = $"o4o-test-{Guid.NewGuid():N}"[..20];
        return (name, name.Replace("-", "", StringComparison.Ordinal));
    }

    private static async Task<string> OwnerAsync(string path) => (await RunAsync("stat", "-c", "%U", path)).Trim();

    private static async Task<string> RunAsync(string program, params string[] arguments) =>
        (await CommandRunner.RunAsync(new ProcessStartInfo(program, arguments))).StandardOutput;
}

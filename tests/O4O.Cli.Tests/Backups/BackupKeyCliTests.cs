using System.Diagnostics;
using System.Text.RegularExpressions;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.IO;
using O4O.Recovery.Offsite;
using O4O.Recovery.Processes;

namespace O4O.Cli.Tests.Backups;

/// <summary><c>o4o backup key rotate|export</c> and <c>o4o up</c>'s reminder, against a temporary home with no server.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed partial class BackupKeyCliTests : IDisposable
{
    private readonly CliRun _cli = new();

    [Fact]
    public async Task Export_prints_the_key_file_that_the_key_file_reader_reads_back_with_the_repository_passphrase_and_it_opens_the_homes_archives()
    {
        var export = await O4OProcessAsync(null, "backup", "key", "export");
        var keyFile = Path.Combine(_cli.Root, "exported-keys.json");
        await File.WriteAllTextAsync(keyFile, export.StandardOutput);

        var read = ArchiveKeyRing.Read(keyFile);

        Assert.True(export.ExitCode == 0, export.StandardError);
        var home = ArchiveKeyStore.Load(_cli.Home)!;
        Assert.Equal(home.Current.Id, read.Current.Id);
        Assert.Equal(home.Current.Material.ToArray(), read.Current.Material.ToArray());
        Assert.Equal(home.RepositoryPassphrase, read.RepositoryPassphrase);
        Assert.StartsWith($"Exported 1 archive key(s), current {home.Current.Id}. Store this key file away from this machine", export.StandardError, StringComparison.Ordinal);
        var plain = "an archive"u8.ToArray();
        using var sealedStream = new MemoryStream();
        await ArchiveCipher.EncryptAsync(new MemoryStream(plain), sealedStream, home.Current, CancellationToken.None);
        using var opened = new MemoryStream();
        await ArchiveCipher.DecryptAsync(new MemoryStream(sealedStream.ToArray()), opened, read, CancellationToken.None);
        Assert.Equal(plain, opened.ToArray());
    }

    [Fact]
    public async Task Rotate_prints_the_new_key_id_and_the_next_export_holds_the_old_and_the_new_key()
    {
        var first = await _cli.RunAsync("backup", "key", "export");
        var rotate = await _cli.RunAsync("backup", "key", "rotate");
        var second = await _cli.RunAsync("backup", "key", "export");

        Assert.Equal(0, rotate.ExitCode);
        var oldRing = ArchiveKeyRing.Parse(System.Text.Encoding.UTF8.GetBytes(first.Out), "first");
        var newRing = ArchiveKeyRing.Parse(System.Text.Encoding.UTF8.GetBytes(second.Out), "second");
        Assert.Equal(rotate.Out.Trim(), newRing.Current.Id);
        Assert.Equal([oldRing.Current.Id, newRing.Current.Id], newRing.Keys.Select(key => key.Id));
        Assert.Equal($"New archives are sealed with key {newRing.Current.Id}; the 1 older key(s) still open the archives sealed with them. Export the key file again: `o4o backup key export > FILE`.", Assert.Single(rotate.ErrorLines));
    }

    [Fact]
    public async Task Key_files_are_created_0600_in_a_0700_directory_and_never_change_mode_afterwards()
    {
        var trace = Path.Combine(_cli.Root, "strace.txt");

        var rotate = await O4OProcessAsync(["strace", "-f", "-qq", "-s", "4096", "-o", trace, "-e", "trace=open,openat,creat,mkdir,mkdirat,chmod,fchmod,fchmodat,close"],
            "backup", "key", "rotate");

        Assert.True(rotate.ExitCode == 0, rotate.StandardError);
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(ArchiveKeyStore.PathFor(_cli.Home)));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(ArchiveKeyStore.DirectoryFor(_cli.Home)));
        var secrets = _cli.Home.Secrets;
        var created = new List<string>();
        var open = new Dictionary<string, string>();
        foreach (var line in await File.ReadAllLinesAsync(trace))
        {
            if (Syscall().Match(line) is not { Success: true } call)
            {
                continue;
            }

            var (name, arguments, result) = (call.Groups["name"].Value, call.Groups["arguments"].Value, call.Groups["result"].Value);
            var path = QuotedPath().Match(arguments).Groups["path"].Value;
            if (name is "openat" or "open" or "creat" && path.StartsWith(secrets, StringComparison.Ordinal))
            {
                open[result] = path;
                if (arguments.Contains("O_CREAT", StringComparison.Ordinal))
                {
                    Assert.True(arguments.EndsWith(", 0600", StringComparison.Ordinal), $"created with another mode: {line}");
                    created.Add(path);
                }
            }
            else if (name is "mkdir" or "mkdirat" && path.StartsWith(secrets, StringComparison.Ordinal))
            {
                Assert.True(arguments.EndsWith(", 0700", StringComparison.Ordinal), $"made with another mode: {line}");
            }
            else if (name is "chmod" or "fchmodat" && path.StartsWith(secrets, StringComparison.Ordinal))
            {
                Assert.Fail($"a mode changed after creation: {line}");
            }
            else if (name == "fchmod" && open.TryGetValue(arguments.Split(',')[0], out var changed))
            {
                Assert.Fail($"the mode of {changed} changed after creation: {line}");
            }
            else if (name == "close")
            {
                open.Remove(arguments);
            }
        }

        Assert.Contains(created, path => Path.GetFileName(path).StartsWith(".keys.json.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Up_reminds_that_off_site_copies_need_the_key_exported_until_the_current_key_is()
    {
        _cli.Settings["Offsite:Endpoint"] = "https://127.0.0.1:9000";
        _cli.Settings["Platform:Port"] = "0"; // up stops at the configuration check, after the reminder
        const string Reminder = "WARNING: the off-site copies (Offsite:Endpoint) cannot be restored on a new machine until the current archive key is exported";

        var beforeExport = await _cli.RunAsync("up");
        await _cli.RunAsync("backup", "key", "export");
        var afterExport = await _cli.RunAsync("up");
        await _cli.RunAsync("backup", "key", "rotate");
        var afterRotation = await _cli.RunAsync("up");
        _cli.Settings.Remove("Offsite:Endpoint");
        var withoutOffsite = await _cli.RunAsync("up");

        Assert.Equal(ExitCodes.UsageError, beforeExport.ExitCode);
        Assert.Single(beforeExport.ErrorLines, line => line.StartsWith(Reminder, StringComparison.Ordinal));
        Assert.DoesNotContain(afterExport.ErrorLines, line => line.StartsWith("WARNING", StringComparison.Ordinal));
        Assert.Single(afterRotation.ErrorLines, line => line.StartsWith(Reminder, StringComparison.Ordinal));
        Assert.DoesNotContain(withoutOffsite.ErrorLines, line => line.StartsWith("WARNING", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ not json", "is not an archive key file")]
    [InlineData("""{"format":"o4o-archive-keys 1","current":"a","keys":[{"id":"a","key":"c2hvcnQ="}]}""", "has key a that is not 32 bytes (256 bits) of base64")]
    public async Task A_damaged_key_ring_is_one_line_and_exit_2_and_prints_no_keys(string content, string reason)
    {
        Directory.CreateDirectory(ArchiveKeyStore.DirectoryFor(_cli.Home));
        await File.WriteAllTextAsync(ArchiveKeyStore.PathFor(_cli.Home), content);

        var export = await _cli.RunAsync("backup", "key", "export");
        var rotate = await _cli.RunAsync("backup", "key", "rotate");

        foreach (var result in new[] { export, rotate })
        {
            Assert.Equal(ExitCodes.UsageError, result.ExitCode);
            Assert.StartsWith($"o4o: Key file {ArchiveKeyStore.PathFor(_cli.Home)} {reason}", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
            Assert.Empty(result.Out);
        }

        Assert.Equal(content, await File.ReadAllTextAsync(ArchiveKeyStore.PathFor(_cli.Home)));
    }

    /// <summary>The real <c>o4o</c> as its own process on the test's home, under <paramref name="wrapper"/> (strace) when given.</summary>
    private async Task<CommandResult> O4OProcessAsync(string[]? wrapper, params string[] arguments)
    {
        string[] command = [.. wrapper ?? [], "dotnet", Path.Combine(AppContext.BaseDirectory, "o4o.dll"), .. arguments];
        var start = new ProcessStartInfo(command[0], command[1..]);
        start.Environment["O4O_HOME"] = _cli.Home.Root;
        return await CommandRunner.RunAsync(start);
    }

    [GeneratedRegex(@"^\d+\s+(?<name>\w+)\((?<arguments>.*?)\)?\s*(<unfinished \.\.\.>|= (?<result>-?\d+))")]
    private static partial Regex Syscall();

    [GeneratedRegex("\"(?<path>[^\"]*)\"")]
    private static partial Regex QuotedPath();

    public void Dispose() => _cli.Dispose();
}

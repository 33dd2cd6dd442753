using System.Security.Cryptography;
using O4O.Cli.Tests.Backups;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Verification;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Incidents;

/// <summary><c>o4o incident evidence N</c> after an archive of encrypted files opened an incident.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class IncidentEvidenceCliTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>, IDisposable
{
    private const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead;
    private const UnixFileMode ReadOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserExecute;

    private readonly CliRun _cli = new();

    [Fact]
    public async Task Evidence_keeps_the_logs_the_changed_files_with_checksums_and_the_suspicious_manifest_read_only_with_a_checksum_list()
    {
        var database = await postgres.CreateDatabaseAsync("evidence");
        var suspicious = Path.GetFileName((await BackupAnomalyCliTests.EncryptedArchiveAsync(_cli, database)).Out.Trim());
        var platform = Directory.CreateDirectory(Path.Combine(_cli.Root, "platform")).FullName;
        await File.WriteAllTextAsync(Path.Combine(platform, "O4O.Platform.dll"), "the platform");
        PlatformChecksums.Record(platform, PlatformChecksums.FileIn(_cli.Home), _cli.Home.ConfigurationFile);
        var recorded = Convert.ToHexStringLower(SHA256.HashData("the platform"u8));
        await File.WriteAllTextAsync(Path.Combine(platform, "O4O.Platform.dll"), "the platform, encrypted");
        _cli.Settings["Platform:Assembly"] = Path.Combine(platform, "O4O.Platform.dll");
        Directory.CreateDirectory(_cli.Home.Logs);
        await File.WriteAllTextAsync(Path.Combine(_cli.Home.Logs, "conductor.log"), "Failed login for admin@o4o.local\n");
        File.CreateSymbolicLink(Path.Combine(_cli.Home.Logs, "outside.log"), "/etc/hostname");

        var result = await _cli.RunAsync("incident", "evidence", "1");

        Assert.True(result.ExitCode == 0, result.Error);
        var directory = result.Out.Trim();
        Assert.Matches($@"^{Regex(_cli.Home.Root)}/evidence/incident-1-\d{{8}}T\d{{6}}Z$", directory);
        Assert.Equal(ReadOnlyDirectory, File.GetUnixFileMode(directory));
        Assert.Equal("Failed login for admin@o4o.local\n", await File.ReadAllTextAsync(Path.Combine(directory, "logs", "conductor.log")));
        Assert.False(File.Exists(Path.Combine(directory, "logs", "outside.log")));
        var current = Convert.ToHexStringLower(SHA256.HashData("the platform, encrypted"u8));
        Assert.Contains($"modified\t{recorded}\t{current}\tO4O.Platform.dll\n", await File.ReadAllTextAsync(Path.Combine(directory, "changed-files.txt")));
        Assert.Contains($"\"previousArchive\": \"o4o_backup_", await File.ReadAllTextAsync(Path.Combine(directory, "archives", $"{suspicious}.manifest.json")));
        Assert.StartsWith("4 platform files' entropy jumped", await File.ReadAllTextAsync(Path.Combine(directory, "archives", $"{suspicious}.anomaly.txt")));
        Assert.Contains($"archive {suspicious} is suspicious", await File.ReadAllTextAsync(Path.Combine(directory, "incident.txt")));
        var sums = (await File.ReadAllLinesAsync(Path.Combine(directory, "SHA256SUMS"))).Select(line => line.Split("  ", 2)).ToList();
        Assert.Equal(["archives/" + suspicious + ".anomaly.txt", "archives/" + suspicious + ".manifest.json", "changed-files.txt", "incident.txt", "logs/conductor.log"],
            sums.Select(sum => sum[1]));
        Assert.All(sums, sum => Assert.Equal(sum[0], Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, sum[1]))))));
        Assert.All(Directory.GetFiles(directory, "*", SearchOption.AllDirectories), file => Assert.Equal(ReadOnlyFile, File.GetUnixFileMode(file)));
        Assert.All(Directory.GetDirectories(directory, "*", SearchOption.AllDirectories), child => Assert.Equal(ReadOnlyDirectory, File.GetUnixFileMode(child)));
    }

    [Theory]
    [InlineData("99", 1, "o4o: ")]
    [InlineData("x", 2, "")]
    public async Task Evidence_of_an_incident_that_does_not_exist_or_a_bad_number_is_one_line_and_a_failure(string id, int exitCode, string prefix)
    {
        var result = await _cli.RunAsync("incident", "evidence", id);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.StartsWith(prefix, Assert.Single(result.ErrorLines));
        Assert.False(Directory.Exists(Path.Combine(_cli.Home.Root, "evidence")) && Directory.EnumerateFileSystemEntries(Path.Combine(_cli.Home.Root, "evidence")).Any());
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    public void Dispose()
    {
        // The evidence is read-only by design: the test gives its directories back their write bit to remove them.
        foreach (var directory in Directory.Exists(_cli.Root) ? Directory.GetDirectories(_cli.Root, "*", SearchOption.AllDirectories) : [])
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _cli.Dispose();
    }
}

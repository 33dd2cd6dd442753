using System.Text.Json;
using O4O.Cli.Tests.Commands;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary><c>o4o backup create --physical</c>, <c>list</c> and <c>verify --physical</c> on a cluster archiving through real pgBackRest, no conductor.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class PhysicalBackupCliTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>, IDisposable
{
    private readonly CliRun _cli = new(fixture.Home.Root);

    [Fact]
    public async Task Backup_create_physical_takes_the_type_asked_for_prints_its_label_on_stdout_and_what_pgbackrest_does_on_stderr()
    {
        var result = await _cli.RunAsync("backup", "create", "--physical", "--type", "full");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        var label = result.Out.Trim();
        Assert.Matches("^[0-9]{8}-[0-9]{6}F$", label);
        Assert.Contains((await fixture.PgBackRest.InfoAsync(CancellationToken.None)).Backups, set => set.Label == label && set.Type == "full");
        Assert.Equal("Taking a full physical backup of the managed cluster with pgBackRest…", result.ErrorLines[0]);
        Assert.Contains($"  new backup label = {label}", result.ErrorLines);
        Assert.StartsWith($"Created full physical backup {label} (", result.ErrorLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_list_shows_the_physical_sets_and_the_recovery_window_beside_the_archives_and_its_json_holds_both()
    {
        await fixture.PgBackRest.RunAsync("backup", ["--type=incr"], CancellationToken.None);
        var info = await fixture.PgBackRest.InfoAsync(CancellationToken.None);

        var table = await _cli.RunAsync("backup", "list");
        var json = await _cli.RunAsync("backup", "list", "--json");

        Assert.True(table.ExitCode == ExitCodes.Success, table.Error);
        Assert.Contains("Physical backups (pgBackRest)", table.Out, StringComparison.Ordinal);
        foreach (var set in info.Backups)
        {
            Assert.Contains($"{set.WalStart} - {set.WalStop}", table.Out, StringComparison.Ordinal);
            Assert.Contains(set.Label, table.Out, StringComparison.Ordinal);
        }

        Assert.Contains($"Can restore to any moment since {info.RecoverableSince!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (newest archived WAL ",
            table.Out, StringComparison.Ordinal);
        Assert.True(json.ExitCode == ExitCodes.Success, json.Error);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("archives").ValueKind);
        var physical = document.RootElement.GetProperty("physical");
        Assert.Equal(info.Backups.Select(set => set.Label), physical.GetProperty("backups").EnumerateArray().Select(set => set.GetProperty("label").GetString()));
        Assert.Equal(info.RecoverableSince, physical.GetProperty("recoverableSince").GetDateTimeOffset());
        Assert.Equal(info.Backups[^1].RepositorySize, physical.GetProperty("backups")[info.Backups.Count - 1].GetProperty("repositorySize").GetInt64());
    }

    [Fact]
    public async Task Backup_verify_physical_names_a_damaged_backup_file_and_exits_as_for_a_corrupt_archive()
    {
        var label = (await _cli.RunAsync("backup", "create", "--physical", "--type", "full")).Out.Trim();
        var sound = await _cli.RunAsync("backup", "verify", "--physical");
        Assert.True(sound.ExitCode == ExitCodes.Success, sound.Error);
        Assert.Equal("pgBackRest repository OK: every backup file and WAL segment matches its checksum.", sound.ErrorLines[^1]);

        // Same size, other bytes: only the checksum can tell.
        var set = Path.Combine(fixture.PgBackRest.Layout.Repository, "backup", "o4o", label);
        var file = new DirectoryInfo(Path.Combine(set, "pg_data")).EnumerateFiles("*", SearchOption.AllDirectories).MaxBy(info => info.Length)!.FullName;
        var original = await File.ReadAllBytesAsync(file);
        var damaged = original.ToArray();
        for (var at = damaged.Length / 2; at < damaged.Length / 2 + 16; at++)
        {
            damaged[at] ^= 0xFF;
        }

        CliResult result;
        try
        {
            await File.WriteAllBytesAsync(file, damaged);
            result = await _cli.RunAsync("backup", "verify", "--physical");
        }
        finally
        {
            await File.WriteAllBytesAsync(file, original);
        }

        Assert.Equal(ExitCodes.BackupCorrupt, result.ExitCode);
        Assert.Contains($"o4o: Damaged in pgBackRest's repository: invalid checksum '{label}/{Path.GetRelativePath(set, file)}'", result.ErrorLines);
        Assert.Contains(result.ErrorLines, line => line.StartsWith($"  backup: {label}, status: invalid,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backup_verify_physical_with_an_archive_name_is_a_usage_error()
    {
        var result = await _cli.RunAsync("backup", "verify", "--physical", "latest");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("--physical verifies the whole repository: give no archive name and no --all.", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}

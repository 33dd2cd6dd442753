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

    public void Dispose() => _cli.Dispose();
}

using System.Diagnostics;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

[Collection(LocalisedOutput.Collection)]
public sealed class BackupSpaceCliTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Fact]
    public async Task Backup_create_into_a_file_system_too_small_for_the_database_is_refused_in_one_line_with_exit_7_and_writes_nothing()
    {
        using var cli = new CliRun().UseDatabase(await postgres.CreateDatabaseAsync("space"));
        var tiny = Directory.CreateDirectory(Path.Combine(cli.Root, "tiny")).FullName;
        var mount = await CommandRunner.RunAsync(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", tiny]));
        Assert.True(mount.ExitCode == 0, $"this test mounts a tmpfs and needs root: {mount.LastErrorLine}");
        try
        {
            cli.Settings["Backup:Directory"] = tiny;

            var result = await cli.RunAsync("backup", "create", "--lang", "en");

            Assert.Equal(ExitCodes.InsufficientSpace, result.ExitCode);
            Assert.Matches($"^o4o: Backup refused, it would not fit in {tiny}: [0-9.]+ [KM]iB free, it needs [0-9.]+ MiB \\(database size [0-9.]+ MiB with "
                + "Backup:SpaceMargin\\)\\. Nothing was written; free space there or set Backup:Directory elsewhere\\.$", Assert.Single(result.ErrorLines));
            Assert.Empty(result.Out);
            Assert.DoesNotContain(Directory.GetFiles(tiny), file => !file.EndsWith(".lock", StringComparison.Ordinal));
        }
        finally
        {
            await CommandRunner.RunAsync(new ProcessStartInfo("umount", [tiny]));
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.Json;
using O4O.EndToEnd.Tests.Processes;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Backups;

/// <summary>
/// <c>o4o backup create</c> killed with <c>kill -9</c> at each of its steps, beside a running shop: what it leaves is
/// owner-only, the shop serves throughout, and the next backup cleans up and leaves the catalogue and the directory in step.
/// </summary>
public sealed class KilledBackupTests
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;
    private const string Partial = ".o4o-partial-";

    [Fact]
    public async Task A_backup_killed_while_a_dump_part_waits_in_the_spool_leaves_it_owner_only_the_shop_serves_and_the_next_backup_removes_it()
    {
        await using var up = await SupervisedUp.StartAsync();
        await AddBulkAsync(up);
        using var shopping = new CancellationTokenSource();
        var shop = ShopAsync(up, shopping.Token);

        var spooled = await KillWhileSpooledAsync(up);

        var leftovers = Directory.GetFiles(up.Home.Backups, Partial + "*");
        Assert.Contains(leftovers, path => path.Contains(".part", StringComparison.Ordinal) && new FileInfo(path).Length > 0);
        Assert.Superset(spooled.ToHashSet(), leftovers.ToHashSet());
        Assert.All(leftovers, path => Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path)));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(up.Home.Backups));
        Assert.Empty(await OtherUser.ReadableByNobodyAsync(up.Home.Root));

        var next = await up.CliAsync("backup", "create");
        await shopping.CancelAsync();

        Assert.True(next.ExitCode == 0, next.StandardError);
        Assert.Empty(await shop);
        Assert.Empty(Directory.GetFiles(up.Home.Backups, Partial + "*"));
        await AssertCatalogueMatchesDirectoryAsync(up, expected: 1);
    }

    [Fact]
    public async Task While_a_backup_is_alive_another_refuses_and_leaves_its_spool_alone()
    {
        await using var up = await SupervisedUp.StartAsync();
        await AddBulkAsync(up);
        using var first = up.StartCli("backup", "create");
        var spooled = await StopWhileSpooledAsync(first, up);
        try
        {
            var second = await up.CliAsync("backup", "create");

            Assert.Equal(1, second.ExitCode);
            Assert.Contains("Another backup is already running", second.StandardError, StringComparison.Ordinal);
            Assert.All(spooled, path => Assert.True(File.Exists(path), path));
        }
        finally
        {
            UnixProcess.Signal(first.Id, SigCont);
        }

        await first.WaitForExitAsync();
        Assert.True(first.ExitCode == 0, await first.StandardError.ReadToEndAsync());
        Assert.Empty(Directory.GetFiles(up.Home.Backups, Partial + "*"));
        await AssertCatalogueMatchesDirectoryAsync(up, expected: 1);
    }

    /// <summary>
    /// Killed as it is about to publish the finished archive by rename, and as it flushes the directory right after the
    /// rename, before the catalogue has recorded the archive: strace delivers SIGKILL at that very system call.
    /// </summary>
    [Theory]
    [InlineData("before the rename", "-e", "trace=rename", "-e", "inject=rename:signal=KILL:when=1")]
    [InlineData("after the rename, before the catalogue", "-P", "{backups}", "-e", "trace=fsync", "-e", "inject=fsync:signal=KILL:when=1")]
    public async Task A_backup_killed_around_its_rename_leaves_the_catalogue_and_the_directory_in_step_after_the_next(string moment, params string[] strace)
    {
        await using var up = await SupervisedUp.StartAsync();
        var first = await up.CliAsync("backup", "create");
        Assert.True(first.ExitCode == 0, first.StandardError);
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // archive names carry the second

        string[] tracer = ["strace", "-f", "-qq", "-o", "/dev/null", .. strace.Select(word => word.Replace("{backups}", up.Home.Backups, StringComparison.Ordinal))];
        using (var killed = up.StartCliUnder(tracer, "backup", "create"))
        {
            await killed.WaitForExitAsync();
            Assert.True(killed.ExitCode == 137, $"{moment}: the backup was not killed ({killed.ExitCode}): {await killed.StandardError.ReadToEndAsync()}");
        }

        var killedArchives = Directory.GetFiles(up.Home.Backups, "o4o_backup_*.tar.gz").Length;
        Assert.Equal(moment == "before the rename" ? 1 : 2, killedArchives);
        Assert.Equal(moment == "before the rename" ? 1 : 0, Directory.GetFiles(up.Home.Backups, Partial + "o4o_backup_*").Length);
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var next = await up.CliAsync("backup", "create");

        Assert.True(next.ExitCode == 0, next.StandardError);
        Assert.Empty(Directory.GetFiles(up.Home.Backups, Partial + "*"));
        await AssertCatalogueMatchesDirectoryAsync(up, killedArchives + 1);
        var verify = await up.CliAsync("backup", "verify", "--all");
        Assert.True(verify.ExitCode == 0, $"{moment}: {verify.StandardOutput}{verify.StandardError}");
    }

    /// <summary>
    /// A table big enough that its own pg_dump runs for seconds while the smaller parts after it finish and wait in
    /// spool files; the users table, with its password hashes, is among them.
    /// </summary>
    private static async Task AddBulkAsync(SupervisedUp up)
    {
        await using var database = up.Database();
        await using var bulk = database.CreateCommand("""
            CREATE TABLE bulk_history AS SELECT g AS id, repeat(md5(g::text), 6) AS detail FROM generate_series(1, 600000) g
            """);
        bulk.CommandTimeout = 300;
        await bulk.ExecuteNonQueryAsync();
    }

    /// <summary>Starts a backup, stops it while a part is spooled, kills it with SIGKILL; returns the spool files seen.</summary>
    private static async Task<IReadOnlyList<string>> KillWhileSpooledAsync(SupervisedUp up)
    {
        using var backup = up.StartCli("backup", "create");
        var spooled = await StopWhileSpooledAsync(backup, up);
        Assert.True(UnixProcess.Signal(backup.Id, UnixProcess.SigKill));
        await backup.WaitForExitAsync();
        Assert.Equal(137, backup.ExitCode);
        return spooled;
    }

    /// <summary>
    /// Watches the backup directory and stops the backup with SIGSTOP the moment a dump part waits in a spool file; checks
    /// the part is still there once it stands still (it may have gone into the archive in between: then it goes on).
    /// </summary>
    private static async Task<IReadOnlyList<string>> StopWhileSpooledAsync(Process backup, SupervisedUp up)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(backup.HasExited, $"the backup ended before a part was seen in the spool: {(backup.HasExited ? await backup.StandardError.ReadToEndAsync() : "")}");
            if (Spooled(up).Count > 0)
            {
                UnixProcess.Signal(backup.Id, SigStop);
                if (Spooled(up) is { Count: > 0 } stillSpooled)
                {
                    return stillSpooled;
                }

                UnixProcess.Signal(backup.Id, SigCont);
            }

            await Task.Delay(5);
        }

        Assert.Fail("no dump part was spooled within two minutes");
        return [];
    }

    // The backup makes its directory as it starts; a spool file is made empty, then written.
    private static List<string> Spooled(SupervisedUp up) => !Directory.Exists(up.Home.Backups) ? [] :
        [.. Directory.GetFiles(up.Home.Backups, Partial + "*.part*").Where(path => new FileInfo(path) is { Exists: true, Length: > 0 })];

    /// <summary>Every archive in the directory is in <c>backup list</c> with its chain intact, and nothing else is.</summary>
    private static async Task AssertCatalogueMatchesDirectoryAsync(SupervisedUp up, int expected)
    {
        var list = await up.CliAsync("backup", "list", "--json");
        Assert.True(list.ExitCode == 0, list.StandardError);
        using var listed = JsonDocument.Parse(list.StandardOutput);
        var items = listed.RootElement.GetProperty("archives");
        var archives = Directory.GetFiles(up.Home.Backups, "o4o_backup_*.tar.gz").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, archives.Count);
        Assert.Equal(archives, items.EnumerateArray().Select(item => item.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToList());
        Assert.All(items.EnumerateArray(), item => Assert.True(item.GetProperty("chainIntact").GetBoolean(), item.ToString()));
    }

    /// <summary>Asks the shop for its health and products until cancelled; returns every answer that was not a 200.</summary>
    private static async Task<IReadOnlyList<string>> ShopAsync(SupervisedUp up, CancellationToken stop)
    {
        var failures = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            foreach (var path in new[] { "api/health", "api/v1/products" })
            {
                try
                {
                    using var response = await up.Client.GetAsync(new Uri(path, UriKind.Relative), CancellationToken.None);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Add($"{path}: {(int)response.StatusCode}");
                    }
                }
                catch (HttpRequestException exception)
                {
                    failures.Add($"{path}: {exception.Message}");
                }
            }

            await Task.Delay(100, CancellationToken.None);
        }

        return failures;
    }
}

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// <c>o4o recover</c> against a running conductor whose database lost a table after a backup: phase 3 restores it only
/// with the operator's yes, and phase 4 verifies the restored platform.
/// </summary>
public sealed class RecoverRestoreTests
{
    private const string BrokenDatabases = "SELECT datname FROM pg_database WHERE starts_with(datname, 'o4o_platform_broken_')";

    [Fact]
    public async Task Recover_with_yes_restores_a_dropped_table_from_the_newest_backup_and_verify_passes()
    {
        await using var up = await StartWithBackupAsync();
        await using var database = up.Database();
        var products = await ScalarAsync(database, "SELECT count(*) FROM products");
        Assert.NotEqual(0L, products);
        await DropProductsAsync(database);
        // The incident is the conductor's first: recover joins it (on a loaded machine recover could start before its next look).
        await up.WaitForEventsAsync("database", events => events.Any(e => e.Kind == RecoveryEventKind.Detected), TimeSpan.FromSeconds(30));

        var recover = await up.CliAsync("recover", "--yes");

        Assert.True(recover.ExitCode == 0, recover.StandardOutput + recover.StandardError);
        Assert.Matches(@"3\. restore +DONE .* restored o4o_backup_[0-9_]+\.tar\.gz \(database only\)", recover.StandardOutput);
        Assert.Matches(@"4\. verify +DONE", recover.StandardOutput);
        Assert.Equal(products, await ScalarAsync(database, "SELECT count(*) FROM products"));
        using (var health = await up.Client.GetAsync(new Uri("api/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.Matches("^o4o_platform_broken_[0-9_]+$", (string?)await ScalarAsync(database, BrokenDatabases) ?? "");
        // The conductor saw the table go (a data-loss incident of its own), recover joined that incident, and it resolves
        // when the conductor sees the table back.
        var incident = Regex.Match(recover.StandardError, @"Incident ([0-9]+):").Groups[1].Value;
        using var shown = await ResolvedIncidentAsync(up, incident);
        var timeline = shown.RootElement.GetProperty("timeline").EnumerateArray().ToList();
        // Whichever saw the table go first, the damage watch or the platform's readiness probe, names the evidence.
        Assert.Contains(timeline, entry => entry.GetProperty("kind").GetString() == "Opened"
            && Regex.IsMatch(entry.GetProperty("text").GetString()!, "^database: (readiness: )?42P01 relation \"products\" does not exist$"));
        Assert.Contains(timeline.Select(entry => entry.GetProperty("text").GetString()!),
            text => Regex.IsMatch(text, "^phase 3 restore: DONE — restored o4o_backup_.* verified against the manifest; the replaced database is kept as o4o_platform_broken_"));
        Assert.Contains(timeline, entry => entry.GetProperty("kind").GetString() == "Resolved"
            && entry.GetProperty("text").GetString() == "every affected component recovered");
    }

    [Fact]
    public async Task Recover_with_yes_says_what_the_live_database_holds_beyond_the_backup_and_writes_it_on_its_incident()
    {
        await using var up = await StartWithBackupAsync();
        using (await up.SignedInAsync(admin: false))
        {
            // A customer who registered after the backup: the restore takes them away.
        }

        await using var database = up.Database();
        await DropProductsAsync(database);

        var recover = await up.CliAsync("recover", "--yes");

        Assert.True(recover.ExitCode == 0, recover.StandardOutput + recover.StandardError);
        var said = Regex.Match(recover.StandardError, @"These changes made after the backup will be gone from the live database \(kept as o4o_platform_broken_[0-9_]+\): [^\n]*");
        Assert.True(said.Success, recover.StandardError);
        Assert.Contains("users +1 (1 newer than the backup)", said.Value, StringComparison.Ordinal);
        Assert.Contains("could not be counted: products", said.Value, StringComparison.Ordinal);
        var incident = Regex.Match(recover.StandardError, @"Incident ([0-9]+):").Groups[1].Value;
        using var shown = JsonDocument.Parse((await up.CliAsync("incident", "show", incident, "--json")).StandardOutput);
        Assert.Contains(shown.RootElement.GetProperty("timeline").EnumerateArray(),
            entry => entry.GetProperty("kind").GetString() == "Note" && entry.GetProperty("text").GetString() == said.Value.TrimEnd());
    }

    private static async Task<JsonDocument> ResolvedIncidentAsync(SupervisedUp up, string incident)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var shown = JsonDocument.Parse((await up.CliAsync("incident", "show", incident, "--json")).StandardOutput);
            if (shown.RootElement.GetProperty("resolvedAt").ValueKind != JsonValueKind.Null || DateTime.UtcNow > deadline)
            {
                Assert.NotEqual(JsonValueKind.Null, shown.RootElement.GetProperty("resolvedAt").ValueKind);
                return shown;
            }

            shown.Dispose();
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_dry_run_names_the_restore_and_without_yes_or_a_terminal_recover_refuses_it_and_nothing_changes()
    {
        await using var up = await StartWithBackupAsync();
        await using var database = up.Database();
        await DropProductsAsync(database);
        var platform = up.PlatformPid;

        var dryRun = await up.CliAsync("recover", "--dry-run");
        var recover = await up.CliAsync("recover");

        Assert.True(dryRun.ExitCode == 0, dryRun.StandardOutput + dryRun.StandardError);
        Assert.Matches(@"3\. restore +PLANNED .*would restore o4o_backup_[0-9_]+\.tar\.gz \(database only\) into o4o_platform, keeping the current one as o4o_platform_broken_",
            dryRun.StandardOutput);
        // The storefront answers 500 without its products: the platform serves it, so the platform would be restarted.
        Assert.Matches(@"2\. initial-response +PLANNED .*would restart platform through the conductor", dryRun.StandardOutput);
        Assert.Matches(@"5\. monitoring +PLANNED .*would switch AutoRecovery on through the conductor", dryRun.StandardOutput);

        Assert.Equal(1, recover.ExitCode);
        Assert.Matches("2\\. initial-response +SKIPPED", recover.StandardOutput);
        Assert.Matches("3\\. restore +UNCONFIRMED .*needs confirmation", recover.StandardOutput);
        Assert.Matches("4\\. verify +SKIPPED", recover.StandardOutput);
        Assert.Equal(platform, up.PlatformPid);
        Assert.Null(await ScalarAsync(database, "SELECT to_regclass('public.products')::text"));
        Assert.Null(await ScalarAsync(database, BrokenDatabases));
    }

    [Fact]
    public async Task At_a_terminal_recover_asks_before_it_restores_and_a_no_changes_nothing()
    {
        await using var up = await StartWithBackupAsync();
        await using var database = up.Database();
        await DropProductsAsync(database);

        var recover = await up.CliAtTerminalAsync("n\n", "recover");

        var terminal = Regex.Replace(recover.StandardOutput, @"\x1b\[[0-9;?]*[A-Za-z=>]|\x1b[=>]|\r", "");
        Assert.True(recover.ExitCode == 1, terminal);
        Assert.Matches(@"Replace\s+o4o_platform\s+with\s+it\s+now", terminal);
        Assert.Matches(@"3\. restore +UNCONFIRMED .* declined: nothing was changed", terminal);
        Assert.Matches("4\\. verify +SKIPPED", terminal);
        Assert.Null(await ScalarAsync(database, "SELECT to_regclass('public.products')::text"));
        Assert.Null(await ScalarAsync(database, BrokenDatabases));
        Assert.Null(await ScalarAsync(database, "SELECT datname FROM pg_database WHERE datname = 'o4o_platform_restore'"));
    }

    [Fact]
    public async Task A_restore_from_a_damaged_archive_fails_phase_3_with_the_reason_and_leaves_the_live_database_as_it_was()
    {
        await using var up = await StartWithBackupAsync();
        await using var database = up.Database();
        await DropProductsAsync(database);
        var archive = Assert.Single(Directory.GetFiles(Path.Combine(up.Home.Root, "backups"), "*.tar.gz"));
        // Shared: the conductor's data-loss probe reads the newest archive's manifest at any moment, and .NET's
        // exclusive open would fail on its read lock.
        await using (var file = new FileStream(archive, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            // Past the gzip header, inside the compressed members: the load finds it, the manifest alone would not.
            file.Position = file.Length / 2;
            await file.WriteAsync(new byte[4096]);
        }

        var recover = await up.CliAsync("recover", "--yes");

        Assert.True(recover.ExitCode == 4, recover.StandardOutput + recover.StandardError);
        Assert.Matches(@"3\. restore +FAILED .*\(the live database is as it was\)", recover.StandardOutput);
        Assert.Matches(@"4\. verify +FAILED", recover.StandardOutput);
        Assert.Null(await ScalarAsync(database, "SELECT to_regclass('public.products')::text"));
        Assert.Null(await ScalarAsync(database, BrokenDatabases));
        Assert.Null(await ScalarAsync(database, "SELECT datname FROM pg_database WHERE datname = 'o4o_platform_restore'"));
    }

    [Fact]
    public async Task Recover_falls_back_to_the_next_good_backup_when_the_newest_is_damaged_and_restore_latest_then_skips_it()
    {
        await using var up = await StartWithBackupAsync();
        await using var database = up.Database();
        var products = await ScalarAsync(database, "SELECT count(*) FROM products");
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // archive names carry the second
        var second = await up.CliAsync("backup", "create");
        Assert.True(second.ExitCode == 0, second.StandardError);
        var newest = Directory.GetFiles(Path.Combine(up.Home.Root, "backups"), "*.tar.gz").Max(StringComparer.Ordinal)!;
        await using (var file = new FileStream(newest, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Position = file.Length / 2;
            await file.WriteAsync(new byte[4096]);
        }

        await DropProductsAsync(database);

        var recover = await up.CliAsync("recover", "--yes");

        Assert.True(recover.ExitCode == 0, recover.StandardOutput + recover.StandardError);
        Assert.Contains($"The restore of {Path.GetFileName(newest)} failed:", recover.StandardError, StringComparison.Ordinal);
        Assert.Contains("trying the next good backup", recover.StandardError, StringComparison.Ordinal);
        Assert.Matches(@"3\. restore +DONE", recover.StandardOutput);
        Assert.Equal(products, await ScalarAsync(database, "SELECT count(*) FROM products"));

        var restore = await up.CliAsync("restore", "latest", "--db-only", "--yes");

        Assert.True(restore.ExitCode == 0, restore.StandardError);
        Assert.Contains($"Skipping {Path.GetFileName(newest)}: failed verification:", restore.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recover_with_yes_on_a_healthy_system_says_nothing_is_wrong_and_restores_nothing()
    {
        await using var up = await StartWithBackupAsync();

        var recover = await up.CliAsync("recover", "--yes");

        Assert.True(recover.ExitCode == 0, recover.StandardOutput + recover.StandardError);
        Assert.True(recover.StandardError.Contains("Nothing is wrong", StringComparison.Ordinal), recover.StandardOutput + recover.StandardError);
        Assert.Equal("", recover.StandardOutput);
        await using var database = up.Database();
        Assert.Null(await ScalarAsync(database, BrokenDatabases));
    }

    /// <summary>
    /// A running system with one backup and no WAL archiving (so phase 3 restores the archive; with archiving it restores
    /// to a point in time: <see cref="PointInTimeRecoverTests"/>), and phase 4's smoke-test account and a small load test
    /// in <c>o4o.json</c>.
    /// </summary>
    internal static async Task<SupervisedUp> StartWithBackupAsync()
    {
        var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__Archiving__Enabled"] = "false" });
        try
        {
            await File.WriteAllTextAsync(up.Home.ConfigurationFile, JsonSerializer.Serialize(new
            {
                Verify = new { Email = O4OProcess.AdminEmail, Password = O4OProcess.AdminPassword, HealthRequests = 3, LoadRequests = 50 },
            }));
            var backup = await up.CliAsync("backup", "create");
            Assert.True(backup.ExitCode == 0, backup.StandardError);
            return up;
        }
        catch
        {
            await up.DisposeAsync();
            throw;
        }
    }

    // products is one of the integrity query's tables: without it the query fails and the assessment calls for a restore.
    private static async Task DropProductsAsync(NpgsqlDataSource database)
    {
        await using var drop = database.CreateCommand("DROP TABLE products CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}

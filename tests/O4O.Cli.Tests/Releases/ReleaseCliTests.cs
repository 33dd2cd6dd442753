using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Processes;
using O4O.Recovery.Releases;
using O4O.Recovery.State;
using O4O.Recovery.Verification;
using O4O.Tests.Shared;
using EventLog = O4O.Recovery.State.EventLog;

namespace O4O.Cli.Tests.Releases;

/// <summary><c>o4o deploy</c>, <c>releases</c>, <c>rollback</c> and the release part of <c>audit</c>, on one real publish of this checkout.</summary>
public sealed class ReleaseCliTests(PublishedRelease published, ManagedPostgresFixture postgres) : IClassFixture<PublishedRelease>, IClassFixture<ManagedPostgresFixture>
{
    private const string Dropping = "O4O.Platform.Data.Migrations.0099_drop_a_column.sql";

    [Fact]
    public async Task Deploy_from_a_checkout_publishes_a_private_release_whose_manifest_is_its_files_and_releases_lists_it_as_current()
    {
        var release = published.Release;
        Assert.True(published.Deploy.ExitCode == 0, published.Deploy.Error);
        Assert.Equal(release.Name, published.Deploy.Out.Trim());
        Assert.Matches(@"^[0-9.]+-\d{8}T\d{6}Z$", release.Name);

        // Every file is in the manifest with its SHA-256, and nothing else is.
        var files = Directory.EnumerateFiles(release.AppDirectory, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(release.AppDirectory, path), path => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
        Assert.Equal(files.OrderBy(f => f.Key, StringComparer.Ordinal), release.Manifest.Files.OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.Contains("O4O.Platform.dll", files.Keys);
        var head = await CommandRunner.RunAsync(new ProcessStartInfo("git", ["-C", PublishedRelease.RepositoryRoot(), "rev-parse", "HEAD"]));
        Assert.Equal(head.StandardOutput.Trim(), release.Manifest.Commit);
        Assert.Contains(release.Manifest.Migrations, migration => migration.Name == "O4O.Platform.Data.Migrations.0001_schema.sql" && !migration.BackwardCompatible);
        Assert.Equal(Directory.GetFiles(Path.Combine(PublishedRelease.RepositoryRoot(), "src/O4O.Platform/Data/Migrations"), "*.sql").Length,
            release.Manifest.Migrations.Count);
        // Private like the rest of the home, and no source left behind.
        Assert.False(Directory.Exists(Path.Combine(release.Directory, "src")));
        Assert.All(Directory.EnumerateFileSystemEntries(release.Directory, "*", SearchOption.AllDirectories).Append(release.Directory),
            path => Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(path) & (UnixFileMode)0b000_111_111));

        var table = await published.Cli.RunAsync("releases");
        var json = await published.Cli.RunAsync("releases", "--json");

        Assert.Equal(0, table.ExitCode);
        var row = Assert.Single(table.Out.Split('\n'), line => line.Contains(release.Name, StringComparison.Ordinal));
        Assert.Contains("current", row, StringComparison.Ordinal);
        Assert.Contains(release.Manifest.Commit![..12], row, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        var item = Assert.Single(document.RootElement.EnumerateArray());
        Assert.True(item.GetProperty("current").GetBoolean());
        Assert.Equal(release.Name, new ReleaseRecords(published.Cli.Home.StateDatabase).Current());
        Assert.Contains((await new EventLog(published.Cli.Home.StateDatabase).RecentAsync(100)),
            e => e.Component == "releases" && e.Seen.StartsWith($"deploy: {release.Name}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_finds_a_modified_an_added_and_a_removed_file_in_the_running_release()
    {
        using var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = await AuditedDatabaseAsync();
        var release = published.CopyInto(cli, "1.0.0-20260101T000000Z");
        new ReleaseRecords(cli.Home.StateDatabase).MakeCurrent(release.Name, "test", DateTimeOffset.UtcNow);
        // What the first o4o up recorded of the build output it ran then: not the release's record.
        await File.WriteAllTextAsync(PlatformChecksums.FileIn(cli.Home), "0000  O4O.Platform.dll\n");
        var clean = await cli.RunAsync("audit", "--json");

        await File.AppendAllTextAsync(Path.Combine(release.AppDirectory, "O4O.Platform.deps.json"), " ");
        await File.WriteAllTextAsync(Path.Combine(release.AppDirectory, ".dropped"), "x");
        File.Delete(Path.Combine(release.AppDirectory, "Dapper.dll"));
        var changed = await cli.RunAsync("audit", "--json");

        Assert.True(clean.ExitCode == 0, clean.Out + clean.Error);
        Assert.Empty(JsonDocument.Parse(clean.Out).RootElement.GetProperty("releaseDifferences").EnumerateArray());
        Assert.Equal(3, changed.ExitCode);
        using var json = JsonDocument.Parse(changed.Out);
        Assert.Equal(release.Name, json.RootElement.GetProperty("release").GetString());
        Assert.Equal([(".dropped", "added"), ("Dapper.dll", "removed"), ("O4O.Platform.deps.json", "modified")],
            json.RootElement.GetProperty("releaseDifferences").EnumerateArray().Select(d => (d.GetProperty("path").GetString(), d.GetProperty("change").GetString())));
    }

    [Fact]
    public async Task Rollback_makes_the_previous_release_current_and_is_on_the_record()
    {
        using var cli = new CliRun();
        var older = published.CopyInto(cli, "1.0.0-20260101T000000Z", manifest => manifest with { CreatedAt = DateTimeOffset.UtcNow.AddDays(-2) });
        var newer = published.CopyInto(cli, "1.0.0-20260102T000000Z", manifest => manifest with { CreatedAt = DateTimeOffset.UtcNow.AddDays(-1) });
        new ReleaseRecords(cli.Home.StateDatabase).MakeCurrent(newer.Name, "test", DateTimeOffset.UtcNow);

        var rollback = await cli.RunAsync("rollback");
        var again = await cli.RunAsync("rollback");

        Assert.True(rollback.ExitCode == 0, rollback.Error);
        Assert.Equal(older.Name, new ReleaseRecords(cli.Home.StateDatabase).Current());
        Assert.Contains($"{older.Name} is current.", rollback.Error, StringComparison.Ordinal);
        Assert.Contains((await new EventLog(cli.Home.StateDatabase).RecentAsync(100)),
            e => e.Component == "releases" && e.Seen.StartsWith($"rollback from {newer.Name}: {older.Name}", StringComparison.Ordinal));
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"o4o: There is no release before {older.Name} to roll back to.", Assert.Single(again.ErrorLines));
    }

    [Fact]
    public async Task Rollback_past_a_migration_not_marked_backward_compatible_is_refused_with_the_recovery_point_to_restore()
    {
        using var cli = new CliRun();
        // The database the newer release migrated: DbUp's journal holds the script.
        var database = await postgres.CreateDatabaseAsync("release_rollback");
        await ExecuteAsync(database, $"CREATE TABLE schemaversions (schemaversionsid serial PRIMARY KEY, scriptname text NOT NULL, applied timestamp NOT NULL DEFAULT now()); INSERT INTO schemaversions (scriptname) VALUES ('{Dropping}');");
        cli.Settings["Database:ConnectionString"] = database;
        var older = published.CopyInto(cli, "1.0.0-20260101T000000Z", manifest => manifest with { CreatedAt = DateTimeOffset.UtcNow.AddDays(-2) });
        var newer = published.CopyInto(cli, "1.0.0-20260102T000000Z", manifest => manifest with
        {
            CreatedAt = DateTimeOffset.UtcNow.AddDays(-1),
            Migrations = [.. manifest.Migrations, new ReleaseMigration(Dropping, BackwardCompatible: false)],
            NewMigrations = [Dropping],
        });
        var records = new ReleaseRecords(cli.Home.StateDatabase);
        records.RecordBackup(newer.Name, "o4o_backup_20260102_000000.tar.gz");
        records.MakeCurrent(newer.Name, "test", DateTimeOffset.UtcNow);

        var refused = await cli.RunAsync("rollback", older.Name);

        Assert.Equal(1, refused.ExitCode);
        var line = Assert.Single(refused.ErrorLines);
        Assert.StartsWith($"o4o: Rolling back to {older.Name} is refused: the database holds migration(s) 0099_drop_a_column.sql", line, StringComparison.Ordinal);
        Assert.Contains($"o4o restore o4o_backup_20260102_000000.tar.gz --db-only (the backup taken before {newer.Name} became current", line, StringComparison.Ordinal);
        Assert.Equal(newer.Name, new ReleaseRecords(cli.Home.StateDatabase).Current());
        Assert.Contains((await new EventLog(cli.Home.StateDatabase).RecentAsync(100)),
            e => e.Component == "releases" && e.Outcome == "refused" && e.Seen.Contains(Dropping, StringComparison.Ordinal));

        // Once the database is restored to a point before the migration ran, the rollback goes ahead.
        await ExecuteAsync(database, "DELETE FROM schemaversions");
        var afterRestore = await cli.RunAsync("rollback", older.Name);
        Assert.True(afterRestore.ExitCode == 0, afterRestore.Error);
        Assert.Equal(older.Name, new ReleaseRecords(cli.Home.StateDatabase).Current());

        // The same migration marked backward-compatible (an expand step) does not stand in the way while applied either.
        await ExecuteAsync(database, $"INSERT INTO schemaversions (scriptname) VALUES ('{Dropping}')");
        published.CopyInto(cli, "1.0.0-20260103T000000Z", manifest => manifest with
        {
            CreatedAt = DateTimeOffset.UtcNow,
            Migrations = [.. manifest.Migrations, new ReleaseMigration(Dropping, BackwardCompatible: true)],
            NewMigrations = [Dropping],
        });
        new ReleaseRecords(cli.Home.StateDatabase).MakeCurrent("1.0.0-20260103T000000Z", "test", DateTimeOffset.UtcNow);
        var allowed = await cli.RunAsync("rollback", older.Name);
        Assert.True(allowed.ExitCode == 0, allowed.Error);
        Assert.Equal(older.Name, new ReleaseRecords(cli.Home.StateDatabase).Current());
    }

    [Fact]
    public async Task Deploying_a_git_ref_that_adds_a_migration_backs_the_database_up_first_records_it_on_the_release_and_keeps_Releases_Keep()
    {
        using var cli = new CliRun();
        cli.UseDatabase(await postgres.CreateDatabaseAsync("release_git_ref"));
        cli.Settings["Releases:Keep"] = "2";
        // What runs now: a release one migration short of this checkout, and two older ones.
        var now = DateTimeOffset.UtcNow;
        var added = published.Release.Manifest.Migrations[^1].Name;
        var oldest = published.CopyInto(cli, "1.0.0-20260101T000000Z", manifest => manifest with { CreatedAt = now.AddDays(-3) });
        var older = published.CopyInto(cli, "1.0.0-20260102T000000Z", manifest => manifest with { CreatedAt = now.AddDays(-2) });
        var running = published.CopyInto(cli, "1.0.0-20260103T000000Z", manifest => manifest with
        {
            CreatedAt = now.AddDays(-1),
            Migrations = [.. manifest.Migrations.SkipLast(1)],
        });
        var records = new ReleaseRecords(cli.Home.StateDatabase);
        records.MakeCurrent(running.Name, "test", now);

        var deploy = await cli.RunAsync("deploy", "HEAD");

        Assert.True(deploy.ExitCode == 0, deploy.Error);
        var name = deploy.Out.Trim();
        var release = new ReleaseStore(cli.Home).Find(name)!;
        var head = await CommandRunner.RunAsync(new ProcessStartInfo("git", ["-C", PublishedRelease.RepositoryRoot(), "rev-parse", "HEAD"]));
        Assert.Equal(("HEAD", head.StandardOutput.Trim()), (release.Manifest.Source, release.Manifest.Commit));
        Assert.Equal([added], release.Manifest.NewMigrations);
        // The backup before its migrations can run, on the release's record: what a refused rollback names.
        var backup = records.ReadAll()[name].Backup;
        Assert.NotNull(backup);
        Assert.True(File.Exists(Path.Combine(cli.Home.Backups, backup)), $"{backup} is not in {cli.Home.Backups}");
        Assert.Equal(name, records.Current());
        // Releases:Keep 2: the new release and the one before it; the pruned ones forgotten.
        Assert.Equal([running.Name, name], new ReleaseStore(cli.Home).List().Select(r => r.Name));
        Assert.False(records.ReadAll().ContainsKey(oldest.Name) || records.ReadAll().ContainsKey(older.Name));
        Assert.Contains(oldest.Name, deploy.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deploy_killed_mid_publish_leaves_nothing_listed_and_the_next_run_removes_what_it_left()
    {
        using var cli = new CliRun();
        cli.Home.EnsureCreated();
        var releases = new ReleaseStore(cli.Home).Root;
        var start = new ProcessStartInfo("setsid", ["dotnet", Path.Combine(AppContext.BaseDirectory, "o4o.dll"), "deploy", PublishedRelease.RepositoryRoot()])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["O4O_HOME"] = cli.Home.Root;
        using var deploy = Process.Start(start)!;
        // Killed once the build has begun: the source is copied and dotnet publish runs.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!Directory.Exists(releases)
            || !Directory.EnumerateDirectories(releases, ".partial-*").Any(partial => Directory.Exists(Path.Combine(partial, "src", "src"))))
        {
            Assert.True(DateTime.UtcNow < deadline && !deploy.HasExited, "the deploy never began its build");
            await Task.Delay(50);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.True(UnixProcess.Signal(-deploy.Id, 9));
        await deploy.WaitForExitAsync();
        // What the killed build left is still there; no release is.
        Assert.NotEmpty(Directory.EnumerateDirectories(releases, ".partial-*"));

        var listed = await cli.RunAsync("releases", "--json");

        Assert.Equal(0, listed.ExitCode);
        Assert.Empty(JsonDocument.Parse(listed.Out).RootElement.EnumerateArray());
        Assert.Empty(Directory.EnumerateDirectories(releases, ".partial-*"));
    }

    [Theory]
    [InlineData("deploy", "../../no-such-directory")]
    [InlineData("deploy", "main..HEAD")]
    [InlineData("deploy", "no-such-branch-of-o4o")]
    [InlineData("deploy", "--upload-pack=touch /tmp/o4o-pwned")]
    [InlineData("deploy", "--", "--upload-pack=touch /tmp/o4o-pwned")]
    [InlineData("deploy", "/etc")]
    [InlineData("rollback", "../../etc")]
    [InlineData("rollback", "--upload-pack=touch /tmp/o4o-pwned")]
    [InlineData("rollback", "1.0.0-20990101T000000Z")]
    public async Task Hostile_or_unknown_input_is_one_line_exit_2_and_nothing_is_made(params string[] args)
    {
        using var cli = new CliRun();

        var result = await cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("o4o: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(new ReleaseStore(cli.Home).List());
        Assert.False(File.Exists("/tmp/o4o-pwned"));
        Assert.True(!Directory.Exists(new ReleaseStore(cli.Home).Root) || !Directory.EnumerateDirectories(new ReleaseStore(cli.Home).Root, ".partial-*").Any());
    }

    // Only the tables the audit reads, as the platform's schema defines them.
    private async Task<string> AuditedDatabaseAsync()
    {
        var database = await postgres.CreateDatabaseAsync("release_audit");
        await ExecuteAsync(database, """
            CREATE TABLE users (email text, role text, created_at timestamptz, locked_until timestamptz);
            CREATE TABLE auth_events (at timestamptz, email text, client_address text, succeeded boolean, reason text);
            """);
        return database;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.Incidents;
using O4O.Recovery.Offsite;
using O4O.Recovery.Processes;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;
using EventLog = O4O.Recovery.State.EventLog;

namespace O4O.Cli.Tests.Backups;

/// <summary>
/// <c>o4o backup create</c> with <c>Offsite:Endpoint</c> set takes the new archive off-site without a further command: a
/// running conductor is asked to start its upload round now, and without one the command runs that round itself; a
/// round killed mid-upload is finished by the next one. Against the test's s3rver over TLS.
/// </summary>
[Collection(LocalisedOutput.Collection)]
public sealed class BackupCreateOffsiteCliTests(ManagedPostgresFixture postgres, S3ServerFixture server)
    : IClassFixture<ManagedPostgresFixture>, IClassFixture<S3ServerFixture>, IDisposable
{
    private readonly CliRun _cli = new();
    private readonly string _prefix = $"o4o-{Guid.NewGuid():N}";

    [Fact]
    public async Task Without_a_conductor_backup_create_seals_and_uploads_the_new_archive_and_backup_list_shows_it_in_both_places()
    {
        await UseOffsiteAsync("CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (1)");

        var created = await _cli.RunAsync("backup", "create");
        var name = Path.GetFileName(created.Out.Trim());
        var list = JsonNode.Parse((await _cli.RunAsync("backup", "list", "--json")).Out)!;

        Assert.True(created.ExitCode == 0, created.Error);
        var copy = new OffsiteCopies(_cli.Home.StateDatabase).Find(name);
        Assert.True(copy is { Complete: true }, created.Error);
        Assert.Contains($"{name} is off-site: s3://{server.Bucket}/{_prefix}/archives/{name}.sealed (", created.Error, StringComparison.Ordinal);
        Assert.Contains(copy.ObjectKey, server.ObjectKeys());
        Assert.Equal("both", list["offsite"]!["archives"]![0]!["location"]!.GetValue<string>());
        var events = await new EventLog(_cli.Home.StateDatabase).RecentAsync(50);
        Assert.Contains(events, e => e.Component == OffsiteUploads.Component && e.Outcome?.StartsWith($"{name} is off-site: ", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task With_a_running_conductor_backup_create_asks_it_and_its_round_takes_the_archive_off_site_at_once()
    {
        await UseOffsiteAsync("CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (1)");
        var offsite = server.Options(_prefix);
        var uploads = new OffsiteUploads(_cli.Home, new BackupOptions(), offsite, new EventLog(_cli.Home.StateDatabase), TimeProvider.System);
        var events = new EventLog(_cli.Home.StateDatabase);
        var gate = await RecoveryGate.LoadAsync(new Settings(_cli.Home.StateDatabase), events, TimeProvider.System, CancellationToken.None);
        var state = new ConductorState(Environment.ProcessId, DateTimeOffset.UtcNow, [], gate, events,
            new IncidentBoard(new IncidentStore(_cli.Home.StateDatabase), new EscalationOptions(), TimeProvider.System))
        {
            UploadOffsiteSoon = uploads.UploadSoon,
        };
        using var stop = new CancellationTokenSource();
        await using var control = await ControlServer.StartAsync(_cli.Home, state, NullLoggerFactory.Instance, CancellationToken.None);
        // The conductor's job: its first round finds nothing, the next is a minute (OffsiteUploads.Interval) away.
        var running = uploads.RunAsync(stop.Token);
        try
        {
            var created = await _cli.RunAsync("backup", "create");
            var name = Path.GetFileName(created.Out.Trim());
            var copies = new OffsiteCopies(_cli.Home.StateDatabase);
            var watch = Stopwatch.StartNew();
            while (copies.Find(name) is not { Complete: true } && watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }

            Assert.True(created.ExitCode == 0, created.Error);
            Assert.True(created.Error.Contains($"The running conductor takes {name} off-site now", StringComparison.Ordinal), created.Error);
            Assert.DoesNotContain("No conductor runs", created.Error, StringComparison.Ordinal);
            Assert.True(copies.Find(name) is { Complete: true }, $"not off-site after {watch.Elapsed}");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    /// <summary>
    /// The uploading <c>o4o backup create</c> is killed (SIGKILL) once its first 5 MiB part is recorded, the others on their
    /// way over a slow link. Nothing half-written is listed off-site; the next <c>backup create</c> resumes that multipart
    /// upload (its recorded parts are not sent again) and completes it, and no unfinished upload stays on the server.
    /// </summary>
    [Fact]
    public async Task A_backup_create_killed_mid_upload_lists_nothing_off_site_and_the_next_one_completes_the_same_upload()
    {
        // About 11 MB of random bytes: an archive of two 5 MiB parts and a short last one, which arrives first.
        await UseOffsiteAsync("CREATE TABLE blobs AS SELECT decode(string_agg(md5(random()::text), ''), 'hex') AS data FROM generate_series(1, 700000)");
        using var link = new SlowLink(server.Port, bytesPerSecond: 2 << 20);
        _cli.Settings["Offsite:Endpoint"] = link.Endpoint;
        _cli.Settings["Offsite:PartSizeMiB"] = "5";
        var copies = new OffsiteCopies(_cli.Home.StateDatabase);

        using (var killed = Process.Start(Command("backup", "create"))!)
        {
            var watch = Stopwatch.StartNew();
            while (!(copies.All() is [{ } started] && copies.Parts(started.Name).Count > 0) && !killed.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(20);
            }

            killed.Kill();
            await killed.WaitForExitAsync();
            Assert.True(copies.All() is [_], await killed.StandardError.ReadToEndAsync());
        }

        var interrupted = Assert.Single(copies.All());
        var recorded = copies.Parts(interrupted.Name);
        var count = (int)((interrupted.Size + interrupted.PartSize - 1) / interrupted.PartSize);
        Assert.Equal(5L << 20, interrupted.PartSize);
        Assert.False(interrupted.Complete);
        Assert.InRange(recorded.Count, 1, count - 1);
        var listed = JsonNode.Parse((await _cli.RunAsync("backup", "list", "--json")).Out)!["offsite"]!["archives"]!.AsArray();
        Assert.Equal("local", Assert.Single(listed)!["location"]!.GetValue<string>());
        Assert.DoesNotContain(interrupted.ObjectKey, server.ObjectKeys());

        var next = await _cli.RunAsync("backup", "create");

        Assert.True(next.ExitCode == 0, next.Error);
        Assert.True(next.Error.Contains($"{interrupted.Name} is off-site: ", StringComparison.Ordinal), next.Error);
        Assert.Contains($"{Path.GetFileName(next.Out.Trim())} is off-site: ", next.Error, StringComparison.Ordinal);
        var resumed = copies.Find(interrupted.Name)!;
        Assert.True(resumed.Complete);
        Assert.Equal(interrupted.UploadId, resumed.UploadId);
        Assert.Contains(interrupted.ObjectKey, server.ObjectKeys());
        Assert.Empty(UnfinishedUploads());
        Assert.Empty(Directory.EnumerateFileSystemEntries(ArchiveUpload.StagingDirectory(_cli.Home)));
        var verified = await _cli.RunAsync("backup", "verify", "--offsite", interrupted.Name);
        Assert.True(verified.ExitCode == 0, verified.Error);
    }

    /// <summary>
    /// Where no inotify watch can be had — here a user namespace of its own whose limit of watches or of inotify instances is
    /// 0, as when other programs used them up — the upload's watch on the isolation flag polls it instead, with a warning on stderr and in the
    /// event log, and the archive still goes off-site (a refused instance failed the upload, a refused watch went unsaid).
    /// </summary>
    [Theory]
    [InlineData("max_inotify_watches")]
    [InlineData("max_inotify_instances")]
    public async Task Without_an_inotify_watch_to_be_had_the_upload_warns_polls_the_isolation_flag_and_goes_off_site(string limit)
    {
        await UseOffsiteAsync("CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (1)");
        var o4o = Command("backup", "create");
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--user", "--map-root-user", "--", "sh", "-c", $"echo 0 > /proc/sys/user/{limit} && exec \"$@\"", "sh",
            o4o.FileName, .. o4o.ArgumentList])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in o4o.Environment)
        {
            start.Environment[variable] = value;
        }

        var result = await CommandRunner.RunAsync(start);

        var name = Path.GetFileName(result.StandardOutput.Trim());
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.True(result.StandardError.Contains("WARNING: the isolation flag is polled every 250 ms, not watched: ", StringComparison.Ordinal), result.StandardError);
        Assert.Contains($"{name} is off-site: ", result.StandardError, StringComparison.Ordinal);
        Assert.True(new OffsiteCopies(_cli.Home.StateDatabase).Find(name) is { Complete: true });
        var events = await new EventLog(_cli.Home.StateDatabase).RecentAsync(50);
        Assert.Contains(events, e => (e.Component, e.Kind) == (OffsiteUploads.Component, RecoveryEventKind.Note)
            && e.Seen.StartsWith("the isolation flag is polled every 250 ms, not watched: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_part_size_under_S3s_5_MiB_is_a_configuration_error_in_one_line()
    {
        await UseOffsiteAsync("SELECT 1");
        _cli.Settings["Offsite:PartSizeMiB"] = "4";

        var result = await _cli.RunAsync("backup", "create");

        Assert.True(result.ExitCode == ExitCodes.UsageError, result.Error);
        Assert.Contains("PartSizeMiB", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(_cli.Home.Backups) ? Directory.GetFiles(_cli.Home.Backups, "*.tar.gz") : []);
    }

    public void Dispose() => _cli.Dispose();

    // s3rver keeps an upload's parts in ._S3rver_uploads/ID (its key in a file beside them) until it is completed.
    private IEnumerable<string> UnfinishedUploads()
    {
        var uploads = Path.Combine(server.DataDirectory, server.Bucket, "._S3rver_uploads");
        return Directory.Exists(uploads)
            ? Directory.EnumerateDirectories(uploads).Where(upload => File.ReadAllText(Path.Combine(upload, "key")).StartsWith(_prefix, StringComparison.Ordinal))
            : [];
    }

    private async Task<string> UseOffsiteAsync(string sql)
    {
        var database = await postgres.CreateDatabaseAsync("offsite");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        _cli.UseDatabase(database);
        foreach (var (setting, value) in server.Settings(_prefix))
        {
            _cli.Settings[setting] = value;
        }

        return database;
    }

    /// <summary>The real <c>o4o</c> as its own process on this test's home and settings, to be killed.</summary>
    private ProcessStartInfo Command(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "o4o.dll"));
        arguments.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["O4O_HOME"] = _cli.Home.Root;
        foreach (var (setting, value) in _cli.Settings)
        {
            start.Environment["O4O__" + setting.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return start;
    }
}

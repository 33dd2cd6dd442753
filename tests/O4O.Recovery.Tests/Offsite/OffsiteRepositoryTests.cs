using System.Text;
using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;
using O4O.Recovery.Supervision;
using O4O.Recovery.Tests.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

public sealed class OffsiteRepositoryTests(S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task WAL_and_a_physical_backup_reach_the_bucket_encrypted_and_pgbackrest_info_lists_the_backup_there()
    {
        var offsite = OffsiteOf(server);
        await using var archiving = await StartAsync(offsite);
        var marker = $"offsite-marker-{Guid.NewGuid():N}";
        await archiving.ScalarAsync($"CREATE TABLE marks AS SELECT '{marker}' || n AS mark FROM generate_series(1, 1000) n");

        // The backup waits for its own WAL in the bucket, which the shipping brings there.
        using var shipping = new OffsiteWalShipping(archiving.PgBackRest, new RecordedEvents(), TimeProvider.System);
        var taken = await shipping.AlongsideAsync(token => new PhysicalBackup(archiving.PgBackRest, TimeProvider.System)
            .TakeAsync("full", PgBackRestOffsite.Remote, progress: null, token), CancellationToken.None);

        var remote = await archiving.PgBackRest.InfoAsync(PgBackRestOffsite.Remote, CancellationToken.None);
        Assert.Equal(taken.Set.Label, Assert.Single(remote.Backups).Label);
        Assert.NotNull(remote.NewestWal);
        Assert.Empty((await archiving.PgBackRest.InfoAsync(CancellationToken.None)).Backups);
        Assert.Contains(server.ObjectKeys(), key => key.StartsWith($"{offsite.Prefix}/pgbackrest/archive/o4o/", StringComparison.Ordinal));
        Assert.Contains(server.ObjectKeys(), key => key.StartsWith($"{offsite.Prefix}/pgbackrest/backup/o4o/{taken.Set.Label}/", StringComparison.Ordinal));

        var stored = server.AllStoredBytes();
        Assert.True(stored.Length > 1_000_000, $"only {stored.Length} bytes reached the bucket");
        Assert.Equal(-1, stored.AsSpan().IndexOf(Encoding.ASCII.GetBytes("offsite-marker-")));
    }

    [Fact]
    public async Task A_scheduled_backup_goes_off_site_after_the_local_one_as_an_event_of_its_own_component()
    {
        await using var archiving = await StartAsync(OffsiteOf(server));
        var events = new RecordedEvents();
        // Sunday 12:00 UTC: nothing is due for almost an hour, so only the first full backup (the repository is empty) runs.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.Utc);
        using var stop = new CancellationTokenSource();
        using var shipping = new OffsiteWalShipping(archiving.PgBackRest, events, TimeProvider.System);
        var running = new ScheduledPhysicalBackups(archiving.PgBackRest, archiving.Options, Task.CompletedTask, events, time) { OffsiteWal = shipping }
            .RunAsync(stop.Token);
        await UntilAsync(() => events.Events.Any(e => e.Component == ScheduledPhysicalBackups.OffsiteComponent && e.Kind == RecoveryEventKind.Recovered));
        await stop.CancelAsync();
        await running;

        var local = Assert.Single(events.Events, e => e.Component == ScheduledPhysicalBackups.Component && e.Kind == RecoveryEventKind.Action);
        Assert.Equal("ran pgbackrest backup --type=full", local.Done);
        var copied = Assert.Single(events.Events, e => e.Component == ScheduledPhysicalBackups.OffsiteComponent && e.Kind == RecoveryEventKind.Action);
        Assert.Equal("ran pgbackrest backup --type=full --repo=2", copied.Done);
        var remote = Assert.Single((await archiving.PgBackRest.InfoAsync(PgBackRestOffsite.Remote, CancellationToken.None)).Backups);
        Assert.Equal($"off-site: full physical backup {remote.Label}: ", copied.Outcome![..($"off-site: full physical backup {remote.Label}: ".Length)]);
        Assert.Single((await archiving.PgBackRest.InfoAsync(CancellationToken.None)).Backups);
    }

    [Fact]
    public async Task The_secrets_stay_out_of_pgbackrest_conf_and_the_passphrase_is_the_exported_key_rings_made_owner_only_once()
    {
        await using var archiving = await StartAsync(OffsiteOf(server));
        var passphraseFile = ArchiveKeyStore.PathFor(archiving.Home);
        var passphrase = ArchiveKeyStore.Load(archiving.Home)!.RepositoryPassphrase!;
        var configuration = await File.ReadAllTextAsync(archiving.PgBackRest.Layout.OffsiteConfigurationFile);

        Assert.Equal(passphrase, archiving.PgBackRest.Environment["PGBACKREST_REPO2_CIPHER_PASS"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passphraseFile));
        Assert.Contains("repo2-cipher-type=aes-256-cbc", configuration, StringComparison.Ordinal);
        Assert.Contains("repo2-s3-endpoint=localhost", configuration, StringComparison.Ordinal);
        Assert.DoesNotContain(passphrase.Trim(), configuration, StringComparison.Ordinal);
        Assert.DoesNotContain(server.SecretAccessKey, configuration, StringComparison.Ordinal);
        Assert.DoesNotContain("repo2", await File.ReadAllTextAsync(archiving.PgBackRest.Layout.ConfigurationFile), StringComparison.Ordinal);

        await archiving.PgBackRest.ConfigureAsync(Path.GetFullPath(archiving.Home.PostgresData), archiving.Cluster.Port, archiving.Options,
            OffsiteOf(server), CancellationToken.None);
        Assert.Equal(passphrase, ArchiveKeyStore.Load(archiving.Home)!.RepositoryPassphrase);
    }

    [Fact]
    public async Task An_endpoint_without_credentials_anywhere_refuses_to_start_naming_the_setting_and_the_file()
    {
        var offsite = OffsiteOf(server);
        offsite.SecretAccessKey = null;
        var start = StartAsync(offsite);

        var refusal = await Assert.ThrowsAsync<ClusterStartException>(() => start);
        Assert.Contains("Offsite:SecretAccessKey", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("secrets/offsite-secret-access-key", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_endpoint_pgbackrest_has_one_repository_and_no_off_site_secret_is_made()
    {
        var home = new O4OHome(Directory.CreateTempSubdirectory("o4o-offsite-").FullName);
        try
        {
            var pgBackRest = PgBackRest.For(home);
            await pgBackRest.ConfigureAsync(Path.Combine(home.Root, "pg"), 5432, new ArchivingOptions(), new OffsiteOptions { Bucket = "unused" },
                CancellationToken.None);

            Assert.DoesNotContain("repo2", await File.ReadAllTextAsync(pgBackRest.Layout.ConfigurationFile), StringComparison.Ordinal);
            Assert.False(File.Exists(pgBackRest.Layout.OffsiteConfigurationFile));
            Assert.Null(ArchiveKeyStore.Load(home));
            Assert.Empty(pgBackRest.Environment);
        }
        finally
        {
            Directory.Delete(home.Root, recursive: true);
        }
    }

    [Fact]
    public void The_Offsite_section_refuses_an_http_endpoint_and_a_missing_bucket_and_is_valid_unset()
    {
        var validation = new SectionValidation<OffsiteOptions>(OffsiteOptions.Section);

        var failures = validation.Validate(null, new OffsiteOptions { Endpoint = "http://s3.example:9000" }).Failures!.ToList();

        Assert.Contains(failures, failure => failure.StartsWith("Offsite:Endpoint (O4O__Offsite__Endpoint): 'http://s3.example:9000' is not an https:// endpoint", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Offsite:Bucket (O4O__Offsite__Bucket): the bucket is missing", StringComparison.Ordinal));
        Assert.True(validation.Validate(null, new OffsiteOptions()).Succeeded);
        Assert.False(new OffsiteOptions().Enabled);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not within 3 minutes");
            await Task.Delay(200);
        }
    }

    private static OffsiteOptions OffsiteOf(S3ServerFixture server) => ArchiveUploadTests.OffsiteOf(server);

    // Each test its own cluster.
    private static async Task<DisposableArchiving> StartAsync(OffsiteOptions offsite)
    {
        var fixture = new ArchivingClusterFixture { Offsite = offsite };
        var archiving = new DisposableArchiving(fixture);
        try
        {
            await fixture.InitializeAsync();
            return archiving;
        }
        catch
        {
            await archiving.DisposeAsync();
            throw;
        }
    }

    private sealed class DisposableArchiving(ArchivingClusterFixture fixture) : IAsyncDisposable
    {
        public O4OHome Home => fixture.Home;

        public ManagedCluster Cluster => fixture.Cluster;

        public PgBackRest PgBackRest => fixture.PgBackRest;

        public ArchivingOptions Options => fixture.Options;

        public OffsiteOptions Offsite => fixture.Offsite;

        public Task<object?> ScalarAsync(string sql) => fixture.ScalarAsync(sql);

        public async ValueTask DisposeAsync() => await fixture.DisposeAsync();
    }
}

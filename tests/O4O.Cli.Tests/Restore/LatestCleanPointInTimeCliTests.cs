using System.Security.Cryptography;
using O4O.Cli.Tests.Commands;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Restore;

/// <summary>
/// <c>o4o restore --latest-clean</c> where WAL is archived (a real archiving cluster, real pgBackRest): the database is
/// replayed to just before the suspicious archive began, not only to the clean archive, and nothing written after that
/// moment is carried over; the platform files come from the clean archive.
/// </summary>
[Collection(LocalisedOutput.Collection)]
public sealed class LatestCleanPointInTimeCliTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>, IDisposable
{
    private readonly CliRun _cli = new(fixture.Home.Root);

    [Fact]
    public async Task With_point_in_time_recovery_the_restore_replays_to_just_before_the_suspicious_archive_began()
    {
        await fixture.ScalarAsync("DROP DATABASE IF EXISTS o4o_platform WITH (FORCE)");
        await fixture.ScalarAsync("CREATE DATABASE o4o_platform");
        await fixture.ScalarAsync("CREATE TABLE orders (id serial PRIMARY KEY, total numeric); INSERT INTO orders (total) SELECT g FROM generate_series(1, 10) g", "o4o_platform");
        await fixture.PgBackRest.RunAsync("backup", ["--type=full"], CancellationToken.None);
        var uploads = Directory.CreateDirectory(Path.Combine(fixture.Home.Root, "uploads")).FullName;
        for (var index = 0; index < 4; index++)
        {
            await File.WriteAllTextAsync(Path.Combine(uploads, $"invoice-{index}.txt"), string.Concat(Enumerable.Repeat($"Invoice {index}: green tea, two boxes.\n", 60)));
        }

        await CreateAsync();
        var clean = await CreateAsync();
        Assert.Equal(0, (await RunAsync("backup", "verify", "--all")).ExitCode);
        // Orders taken after the last clean archive and before the attack: the replay keeps them.
        await fixture.ScalarAsync("INSERT INTO orders (total) SELECT g FROM generate_series(11, 15) g", "o4o_platform");
        await Task.Delay(1100);
        foreach (var file in Directory.GetFiles(uploads))
        {
            await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes((int)new FileInfo(file).Length));
        }

        var suspicious = await CreateAsync();
        // What the attack went on to do after the archive began: the replay stops before it.
        await fixture.ScalarAsync("UPDATE orders SET total = -1; INSERT INTO orders (total) VALUES (-1)", "o4o_platform");

        var restore = await RunAsync("restore", "--latest-clean", "--yes");

        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.Contains($"Passed over {suspicious}: suspicious (anomaly score ", restore.Out, StringComparison.Ordinal);
        Assert.Contains($"Restoring {clean} (local)", restore.Out, StringComparison.Ordinal);
        Assert.Contains($"Replaying archived WAL to just before {suspicious} began (", restore.Out, StringComparison.Ordinal);
        Assert.Contains("Target reached: recovery stopping before commit of transaction ", restore.Error, StringComparison.Ordinal);
        Assert.Equal(15L, await fixture.ScalarAsync("SELECT count(*) FROM orders", "o4o_platform"));
        Assert.Equal(0L, await fixture.ScalarAsync("SELECT count(*) FROM orders WHERE total < 0", "o4o_platform"));
        Assert.StartsWith("Invoice 0: green tea, two boxes.", await File.ReadAllTextAsync(Path.Combine(uploads, "invoice-0.txt")), StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();

    private async Task<string> CreateAsync()
    {
        var created = await RunAsync("backup", "create");
        Assert.True(created.ExitCode == 0, created.Error);
        return Path.GetFileName(created.Out.Trim());
    }

    private Task<CliResult> RunAsync(params string[] arguments)
    {
        _cli.Settings["Database:Port"] = fixture.Cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _cli.RunAsync(arguments);
    }
}

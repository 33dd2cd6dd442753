using System.Globalization;
using Npgsql;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Postgres;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary><c>o4o restore --cleanup</c> against a real server holding kept databases of different ages.</summary>
[Collection(LocalisedOutput.Collection)]
public sealed class RestoreCleanupCliTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>, IDisposable
{
    private readonly CliRun _cli = new();

    [Fact]
    public async Task Cleanup_older_than_a_week_drops_only_the_old_kept_database_and_a_dry_run_drops_nothing()
    {
        var (live, old, recent) = await KeptDatabasesAsync();

        var dryRun = await O4OAsync(live, "restore", "--cleanup", "--older-than", "7d", "--dry-run");
        var withoutYes = await O4OAsync(live, "restore", "--cleanup", "--older-than", "7d");
        Assert.Equal(ExitCodes.Success, dryRun.ExitCode);
        Assert.Equal(old, dryRun.Out.Trim());
        Assert.Contains($"{old}: kept ", dryRun.Error);
        Assert.Contains("1 database(s), ", dryRun.Error);
        Assert.Equal(ExitCodes.Failure, withoutYes.ExitCode);
        Assert.EndsWith("Nothing was dropped; pass --yes.", withoutYes.Error.Trim());
        Assert.Equal([live.Database!, old, recent], await DatabasesAsync(live));

        var dropped = await O4OAsync(live, "restore", "--cleanup", "--older-than", "7d", "--yes");

        Assert.True(dropped.ExitCode == ExitCodes.Success, dropped.Error);
        Assert.Equal(old, dropped.Out.Trim());
        Assert.Contains($"Dropped {old}.", dropped.Error);
        Assert.Equal([live.Database!, recent], await DatabasesAsync(live));
    }

    [Theory]
    [InlineData("7 days")]
    [InlineData("-1d")]
    [InlineData("-01:00:00")]
    public async Task Cleanup_with_an_older_than_that_is_no_duration_exits_2_in_one_line(string olderThan)
    {
        var result = await O4OAsync(new NpgsqlConnectionStringBuilder(postgres.Cluster.ConnectionString("postgres")), "restore", "--cleanup", "--older-than", olderThan, "--yes");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains($"--older-than {olderThan} is not a duration", Assert.Single(result.ErrorLines));
    }

    /// <summary>A live database, one kept by a restore 30 days ago and one kept by an undo a minute ago, named as restores name them.</summary>
    private async Task<(NpgsqlConnectionStringBuilder Live, string Old, string Recent)> KeptDatabasesAsync()
    {
        var live = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync("kept"));
        var now = DateTime.UtcNow;
        var old = $"{live.Database}_broken_{now.AddDays(-30).ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}";
        var recent = $"{live.Database}_undone_{now.AddMinutes(-1).ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}";
        await using var admin = new NpgsqlConnection(postgres.Cluster.ConnectionString("postgres"));
        await admin.OpenAsync();
        foreach (var name in new[] { old, recent })
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {ManagedCluster.QuoteIdentifier(name)}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return (live, old, recent);
    }

    private async Task<List<string>> DatabasesAsync(NpgsqlConnectionStringBuilder live)
    {
        await using var admin = new NpgsqlConnection(postgres.Cluster.ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname", admin)
        {
            Parameters = { new NpgsqlParameter { Value = live.Database! } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public void Dispose() => _cli.Dispose();

    private Task<CliResult> O4OAsync(NpgsqlConnectionStringBuilder database, params string[] arguments) =>
        _cli.UseDatabase(database.ConnectionString).RunAsync(arguments);
}

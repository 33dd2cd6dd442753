using Dapper;
using Microsoft.Data.Sqlite;
using O4O.Recovery.Incidents;
using O4O.Recovery.State;
using O4O.Recovery.Tests.Incidents;

namespace O4O.Recovery.Tests.StateStore;

/// <summary>A state.db written by the release before migrations (Fixtures/state-before-migrations.md), upgraded in place.</summary>
public sealed class StateUpgradeTests : IDisposable
{
    private static readonly string[] _tables =
    [
        "incidents", "incident_components", "incident_timeline", "escalation_pages", "notification_outbox",
        "recovery_events", "settings", "backup_archives", "backup_written", "backup_restores",
    ];

    private readonly StateFile _state = new();

    public StateUpgradeTests() =>
        File.Copy(Path.Combine(AppContext.BaseDirectory, "StateStore", "Fixtures", "state-before-migrations.db"), _state.Path);

    [Fact]
    public async Task A_state_db_written_before_migrations_is_upgraded_to_the_latest_version_when_opened()
    {
        Assert.Equal(0, Scalar("PRAGMA user_version"));

        await using (await StateDatabase.OpenAsync(_state.Path, CancellationToken.None))
        {
        }

        Assert.Equal(StateSchema.Latest, Scalar("PRAGMA user_version"));
        Assert.Equal("wal", Raw(connection => connection.ExecuteScalar<string>("PRAGMA journal_mode")));
    }

    [Fact]
    public async Task Upgrading_keeps_every_row_of_every_table_with_its_content()
    {
        var before = _tables.ToDictionary(table => table, Rows);

        await using (await StateDatabase.OpenAsync(_state.Path, CancellationToken.None))
        {
        }

        foreach (var table in _tables)
        {
            Assert.Equal(before[table].Select(row => StateFixture.Upgraded(table, row)), Rows(table));
        }
    }

    [Fact]
    public async Task The_upgraded_state_reads_back_through_the_product_as_the_old_release_wrote_it()
    {
        var incidents = new IncidentStore(_state.Path);
        Assert.Equal(StateFixture.Incidents, await incidents.ListAsync(CancellationToken.None), StateFixture.SameIncident);
        Assert.Equal(22, (await incidents.TimelineAsync(2, CancellationToken.None)).Count + (await incidents.TimelineAsync(1, CancellationToken.None)).Count
            + (await incidents.TimelineAsync(3, CancellationToken.None)).Count);
        Assert.Equal(StateFixture.ManualTimeline, await incidents.TimelineAsync(2, CancellationToken.None));
        Assert.Equal(StateFixture.Events, await new EventLog(_state.Path).RecentAsync(100));
        Assert.Equal(StateFixture.AutoRecoverySetting, await new Settings(_state.Path).GetAsync(Settings.AutoRecovery, "on"));
        using var connection = StateDatabase.Open(_state.Path);
        Assert.Equal(StateFixture.Catalogue, CatalogueSchema.ReadEntries(connection).Select(StateFixture.Key));
    }

    [Fact]
    public async Task Two_processes_opening_an_old_state_db_at_once_both_find_it_upgraded()
    {
        var opens = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var connection = await StateDatabase.OpenAsync(_state.Path, CancellationToken.None);
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM incidents");
        }));

        Assert.All(await Task.WhenAll(opens), count => Assert.Equal(3, count));
        Assert.Equal(StateSchema.Latest, Scalar("PRAGMA user_version"));
    }

    [Fact]
    public async Task A_state_db_upgraded_by_a_newer_version_is_refused_rather_than_misread()
    {
        Raw(connection => connection.Execute($"PRAGMA user_version = {StateSchema.Latest + 1}"));

        var refused = await Assert.ThrowsAsync<StateSchemaTooNewException>(() => StateDatabase.OpenAsync(_state.Path, CancellationToken.None));

        Assert.Contains($"schema version {StateSchema.Latest + 1}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(StateSchema.Latest + 1, Scalar("PRAGMA user_version"));
    }

    public void Dispose() => _state.Dispose();

    private long Scalar(string sql) => Raw(connection => connection.ExecuteScalar<long>(sql));

    private List<IDictionary<string, object?>> Rows(string table) =>
        Raw(connection => connection.Query($"SELECT * FROM {table} ORDER BY rowid").Cast<IDictionary<string, object?>>()
            .Select(row => (IDictionary<string, object?>)new Dictionary<string, object?>(row)).ToList());

    /// <summary>Reads the file as it is, past the gateway, so nothing is upgraded by looking.</summary>
    private T Raw<T>(Func<SqliteConnection, T> read)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _state.Path, Pooling = false }.ToString());
        connection.Open();
        return read(connection);
    }
}

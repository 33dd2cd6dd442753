using Microsoft.Extensions.Time.Testing;
using Npgsql;
using O4O.Recovery.PointInTime;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>The conductor's marks of the platform tables' data files, read back as the search for damage reads them.</summary>
public sealed class TableFileMarkingTests(ManagedPostgresFixture fixture) : IClassFixture<ManagedPostgresFixture>, IDisposable
{
    private readonly string _state = Path.Combine(Directory.CreateTempSubdirectory("o4o-marks-").FullName, "state.db");

    [Fact]
    public async Task A_mark_holds_each_table_file_and_rows_and_the_newest_one_before_a_moment_is_found_even_after_the_table_was_dropped()
    {
        var database = await fixture.CreateDatabaseAsync("marks");
        await ExecuteAsync(database, "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric); INSERT INTO orders (total) SELECT g FROM generate_series(1, 50) g; ANALYZE orders");
        var node = Convert.ToUInt32(await ScalarAsync(database, "SELECT pg_relation_filenode('orders')"), System.Globalization.CultureInfo.InvariantCulture);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
        var marks = new TableFileMarks(_state);
        var marking = new TableFileMarking(database, marks, clock);

        Assert.True(await marking.MarkAsync(CancellationToken.None));
        clock.Advance(TableFileMarking.Interval);
        await ExecuteAsync(database, "DROP TABLE orders");
        Assert.True(await marking.MarkAsync(CancellationToken.None));

        var before = (await marks.BeforeAsync(clock.GetUtcNow(), CancellationToken.None))[0];
        Assert.Equal(clock.GetUtcNow() - TableFileMarking.Interval, before.At);
        var orders = Assert.Single(before.Tables);
        Assert.Equal(("public.orders", node, 50L), (orders.Name, orders.File.FileNode, orders.RowsAtStart));
        Assert.Equal((uint?)await ScalarAsync(database, "SELECT oid FROM pg_database WHERE datname = current_database()"), before.Database);
        Assert.True(before.Lsn.Value > 0);
        Assert.Empty((await marks.BeforeAsync(clock.GetUtcNow().AddMilliseconds(1), CancellationToken.None))[0].Tables);
    }

    [Fact]
    public async Task A_mark_taken_while_a_segment_switch_is_written_is_where_pg_waldump_can_start_reading()
    {
        var database = await fixture.CreateDatabaseAsync("marks");
        await ExecuteAsync(database, "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric)");
        // Keeps the segments the marks name until they are read.
        var slot = $"marks_{Guid.NewGuid():N}"[..20];
        await ExecuteAsync(database, $"SELECT pg_create_physical_replication_slot('{slot}', true)");
        var marks = new TableFileMarks(_state);
        var marking = new TableFileMarking(database, marks, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        // A switch (archive_timeout's, or a flush before a restore) fills the rest of its segment with empty pages, and
        // the server writes them out a few buffers at a time: meanwhile its write position is among them, past the last record.
        var switching = Task.Run(async () =>
        {
            for (var switches = 0; switches < 40 && !stop.IsCancellationRequested; switches++)
            {
                await ExecuteAsync(database, "INSERT INTO orders (total) VALUES (1); SELECT pg_switch_wal()");
            }
        });
        try
        {
            while (!switching.IsCompleted)
            {
                Assert.True(await marking.MarkAsync(CancellationToken.None));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await switching;
        }

        // As before a search: a record after the newest mark, written out.
        await ExecuteAsync(database, "INSERT INTO orders (total) VALUES (1); SELECT pg_switch_wal()");
        var wal = Path.Combine(fixture.Cluster.DataDirectory, "pg_wal");
        try
        {
            foreach (var mark in await marks.BeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            {
                await WalDump.ReadAsync(fixture.Cluster.Binaries, WalRange.Of(wal, mark.Timeline, mark.Lsn), ["--limit=1"], _ => { }, CancellationToken.None);
            }
        }
        finally
        {
            await ExecuteAsync(database, $"SELECT pg_drop_replication_slot('{slot}')");
        }
    }

    [Fact]
    public async Task A_database_that_does_not_answer_is_no_mark_and_no_error()
    {
        var marking = new TableFileMarking("Host=127.0.0.1;Port=1;Username=nobody;Password=x;Database=none", new TableFileMarks(_state), TimeProvider.System);

        Assert.False(await marking.MarkAsync(CancellationToken.None));
        Assert.Empty(await new TableFileMarks(_state).BeforeAsync(DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None));
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_state)!, recursive: true);

    private static async Task ExecuteAsync(string connectionString, string sql) => await ScalarAsync(connectionString, sql);

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

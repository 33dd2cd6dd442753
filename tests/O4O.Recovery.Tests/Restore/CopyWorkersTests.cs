using System.Buffers;
using Npgsql;
using O4O.Recovery.Restore;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Restore;

[Collection(PostgresCollection.Name)]
public sealed class CopyWorkersTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task A_worker_that_cannot_connect_fails_the_load_instead_of_leaving_the_reader_waiting_for_room()
    {
        var missing = new NpgsqlConnectionStringBuilder(postgres.Cluster.ConnectionString()) { Database = "o4o_no_such_database", Pooling = false }.ConnectionString;
        var tablesExist = new TaskCompletionSource();
        await using var workers = new CopyWorkers(missing, "", 1, tablesExist.Task, CancellationToken.None);

        // More chunks than the queue holds: the reader must learn of the failure, not wait for room forever.
        var failure = await Assert.ThrowsAsync<RestoreFailedException>(() => AddChunksAsync(workers, 10).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("o4o_no_such_database", failure.Message, StringComparison.Ordinal);
    }

    private static async Task AddChunksAsync(CopyWorkers workers, int count)
    {
        for (var index = 0; index < count; index++)
        {
            await workers.AddAsync(new CopyChunk("COPY public.t (id) FROM stdin;", ArrayPool<byte>.Shared.Rent(16), 0), CancellationToken.None);
        }
    }
}

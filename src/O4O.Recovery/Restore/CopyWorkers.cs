using System.Buffers;
using System.Threading.Channels;
using Npgsql;

namespace O4O.Recovery.Restore;

/// <summary>A slice of one table's COPY data, cut at a line boundary.</summary>
/// <param name="CopyCommand">The dump's <c>COPY … FROM stdin;</c> line.</param>
/// <param name="Buffer">Pooled bytes; returned by the worker.</param>
/// <param name="Length">How many bytes are data.</param>
internal readonly record struct CopyChunk(string CopyCommand, byte[] Buffer, int Length);

/// <summary>
/// Loads COPY data on several connections at once: a large table's rows are spread over every connection,
/// so the server parses and inserts on every core instead of one. A single connection, which then loads each of its
/// tables alone, writes them frozen (<c>COPY … FREEZE</c> in the transaction that empties the new table): the rows
/// are visible to all from the start, so the scans that build indexes and check keys need not set hint bits on
/// every row — writing every page a second time — and the restored database needs no freezing vacuum later.
/// </summary>
internal sealed class CopyWorkers : IAsyncDisposable
{
    private readonly Channel<CopyChunk> _chunks;
    private readonly Task[] _workers;
    private readonly CancellationTokenSource _stop;
    private readonly bool _freeze;
    private readonly Action<string>? _tableLoaded;

    /// <param name="connectionString">The database loaded.</param>
    /// <param name="sessionSetup">The dump's session settings, run on each connection.</param>
    /// <param name="count">How many connections load.</param>
    /// <param name="tablesExist">Completes once the tables exist; only the first COPY waits for it.</param>
    /// <param name="tableLoaded">
    /// With a single connection, told each table (as pg_dump spells it) the moment its rows are committed, so its
    /// indexes can be built while the next table loads. Several connections may share a table, so they tell nothing.
    /// </param>
    /// <param name="cancellationToken">Stops the load.</param>
    public CopyWorkers(string connectionString, string sessionSetup, int count, Task tablesExist, CancellationToken cancellationToken, Action<string>? tableLoaded = null)
    {
        _freeze = count == 1;
        _tableLoaded = _freeze ? tableLoaded : null;
        _chunks = Channel.CreateBounded<CopyChunk>(new BoundedChannelOptions(count * 2) { SingleWriter = true });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _workers = Enumerable.Range(0, count).Select(_ => Task.Run(() => RunAsync(connectionString, sessionSetup, tablesExist, _stop.Token))).ToArray();
    }

    /// <summary>Queues a chunk; waits while every worker is busy. Fails fast once a worker failed.</summary>
    public async ValueTask AddAsync(CopyChunk chunk, CancellationToken cancellationToken)
    {
        if (_workers.Any(worker => worker.IsFaulted))
        {
            ArrayPool<byte>.Shared.Return(chunk.Buffer);
            throw Failure();
        }

        try
        {
            await _chunks.Writer.WriteAsync(chunk, _stop.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed worker cancels the others before its own task has ended: wait for all, then name its error.
            ArrayPool<byte>.Shared.Return(chunk.Buffer);
            await Task.WhenAll(_workers).ContinueWith(_ => { }, TaskScheduler.Default);
            throw Failure();
        }
    }

    /// <summary>Waits until every queued chunk is committed.</summary>
    public async Task CompleteAsync()
    {
        _chunks.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers);
        }
        catch (Exception) when (_workers.Any(worker => worker.IsFaulted))
        {
            throw Failure();
        }
    }

    /// <summary>The first real failure among the workers (the others were only cancelled because of it).</summary>
    private Exception Failure()
    {
        var cause = _workers.Where(worker => worker.IsFaulted).SelectMany(worker => worker.Exception!.InnerExceptions)
            .FirstOrDefault(exception => exception is not OperationCanceledException);
        return cause switch
        {
            PostgresException postgres => new RestoreFailedException($"Loading table data failed: {postgres.MessageText}", postgres),
            null => new OperationCanceledException(),
            _ => new RestoreFailedException($"Loading table data failed: {cause.Message}", cause),
        };
    }

    public async ValueTask DisposeAsync()
    {
        _chunks.Writer.TryComplete();
        await _stop.CancelAsync();
        await Task.WhenAll(_workers).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task RunAsync(string connectionString, string sessionSetup, Task tablesExist, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        TextWriter? writer = null;
        Stream? copyData = null;
        string? current = null;
        try
        {
            await connection.OpenAsync(cancellationToken);
            await RestoreDatabases.ExecuteAsync(connection, sessionSetup, cancellationToken);
            await tablesExist.WaitAsync(cancellationToken);
            await foreach (var chunk in _chunks.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    if (chunk.CopyCommand != current)
                    {
                        await FinishTableAsync(connection, writer, current, cancellationToken);
                        writer = await StartTableAsync(connection, chunk.CopyCommand, cancellationToken);
                        copyData = ((StreamWriter)writer).BaseStream;
                        current = chunk.CopyCommand;
                    }

                    // The dump's bytes go to the server as they are: decoding them to text and encoding that back
                    // would cost CPU the server needs, and the server rejects bytes that are not valid UTF-8 itself.
                    await copyData!.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Length), cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                }
            }

            await FinishTableAsync(connection, writer, current, cancellationToken);
            writer = null;
        }
        catch
        {
            // One failed worker stops the others: the load is abandoned and its database dropped.
            await _stop.CancelAsync();
            throw;
        }
    }

    private async Task<TextWriter> StartTableAsync(NpgsqlConnection connection, string copyCommand, CancellationToken cancellationToken)
    {
        if (!_freeze)
        {
            return await connection.BeginTextImportAsync(copyCommand, cancellationToken);
        }

        // ONLY: an inheritance parent's children may already be loaded.
        var table = PostData.CopyTable(copyCommand);
        await RestoreDatabases.ExecuteAsync(connection, table is null ? "BEGIN;" : $"BEGIN; TRUNCATE ONLY {table};", cancellationToken);
        return await connection.BeginTextImportAsync(table is null ? copyCommand : copyCommand[..^";".Length] + " WITH (FREEZE);", cancellationToken);
    }

    private async Task FinishTableAsync(NpgsqlConnection connection, TextWriter? writer, string? copyCommand, CancellationToken cancellationToken)
    {
        if (writer is null)
        {
            return;
        }

        await writer.DisposeAsync();
        if (_freeze)
        {
            await RestoreDatabases.ExecuteAsync(connection, "COMMIT", cancellationToken);
        }

        if (_tableLoaded is not null && PostData.CopyTable(copyCommand!) is { } table)
        {
            _tableLoaded(table);
        }
    }
}

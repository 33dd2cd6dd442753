using System.Buffers;
using System.Text;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Restore;

/// <summary>
/// Loads a plain pg_dump into an empty database faster than <c>psql -f</c>: the schema goes through psql as written,
/// the table data (COPY blocks, ~all of the bytes) is spread over parallel connections, and the indexes and
/// constraints — which pg_dump already places after the data — go through psql once every row is in.
/// </summary>
/// <param name="server">The server.</param>
/// <param name="database">The database to load.</param>
/// <param name="connections">How many connections load COPY data.</param>
/// <param name="tablesExist">
/// For a part loaded beside others: completes once another connection has created the tables. Its connections open
/// and its data is read meanwhile; only the first COPY waits. Null when this loader creates them itself.
/// </param>
/// <param name="tableLoaded">
/// Told each table once its rows are committed: with one connection the moment each is (<see cref="CopyWorkers"/>), with several
/// once the whole part is in.
/// </param>
internal sealed class DumpLoader(ResolvedDatabaseServer server, string database, int connections, Task? tablesExist = null, Action<string>? tableLoaded = null)
    : IAsyncDisposable
{
    private const int ChunkSize = 1 << 20;
    private const string CompleteLine = "-- PostgreSQL database dump complete";
    private static readonly byte[] _terminator = "\n\\.\n"u8.ToArray();
    private readonly StringBuilder _schema = new();
    private readonly StringBuilder _session = new();
    private readonly StringBuilder _postData = new();
    private CopyWorkers? _workers;
    private bool _inPreamble = true;
    private bool _partOnly;
    private bool _copyHasData;

    /// <summary>The tables whose data this loader loaded.</summary>
    public HashSet<string> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>The session settings from the dump's header (encoding, search_path, timeouts).</summary>
    public string Session => _session.ToString();

    /// <summary>Reads the decompressed dump from <paramref name="sql"/> and loads it.</summary>
    /// <exception cref="RestoreFailedException">A statement failed, or the dump is incomplete.</exception>
    public async Task LoadAsync(Stream sql, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        try
        {
            await ReadAsync(sql, progress, cancellationToken);
            if (!_postData.ToString().Contains(CompleteLine, StringComparison.Ordinal))
            {
                throw new RestoreFailedException("The dump is incomplete: it ends before pg_dump's closing line.");
            }

            if (_workers is null)
            {
                await Psql.RunAsync(server, database, _schema.ToString(), cancellationToken);
            }
            else
            {
                await _workers.CompleteAsync();
            }

            await PostData.RunAsync(server, database, _session.ToString(), _postData.ToString(), connections, cancellationToken);
        }
        finally
        {
            await DisposeAsync();
        }
    }

    /// <summary>
    /// Loads the COPY data of one part of a dump (its tables must exist) and returns every other statement, in order,
    /// for the caller to run once all parts are in.
    /// </summary>
    /// <exception cref="RestoreFailedException">A COPY failed, or the part is incomplete.</exception>
    public async Task<string> LoadPartAsync(Stream sql, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        _partOnly = true;
        try
        {
            await ReadAsync(sql, progress, cancellationToken);
            if (_workers is not null)
            {
                await _workers.CompleteAsync();
                if (connections > 1 && tableLoaded is not null)
                {
                    // Several connections share a table, so the workers tell nothing: every row is committed now.
                    foreach (var table in Tables)
                    {
                        tableLoaded(table);
                    }
                }
            }

            var statements = _schema.ToString() + _postData;
            return statements.Contains(CompleteLine, StringComparison.Ordinal)
                ? statements
                : throw new RestoreFailedException("The dump is incomplete: a part ends before pg_dump's closing line.");
        }
        finally
        {
            await DisposeAsync();
        }
    }

    private async Task ReadAsync(Stream sql, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var reader = new LineBuffer(sql);
        string? copy = null;
        while (await reader.FillAsync(cancellationToken))
        {
            copy = copy is null ? await ReadStatementsAsync(reader, cancellationToken) : await ReadCopyDataAsync(reader, copy, cancellationToken);
            progress?.Report(reader.Consumed);
        }

        if (copy is not null)
        {
            throw new RestoreFailedException("The dump is incomplete: it ends inside a table's data.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_workers is not null)
        {
            await _workers.DisposeAsync();
            _workers = null;
        }
    }

    /// <summary>Consumes whole lines outside COPY data; returns the COPY command when one starts.</summary>
    private async Task<string?> ReadStatementsAsync(LineBuffer reader, CancellationToken cancellationToken)
    {
        while (reader.TryReadLine(out var line))
        {
            if (line.StartsWith("COPY ", StringComparison.Ordinal) && line.EndsWith(" FROM stdin;", StringComparison.Ordinal))
            {
                await StartDataAsync(cancellationToken);
                if (PostData.CopyTable(line) is { } table)
                {
                    Tables.Add(table);
                }

                _copyHasData = false;
                return line;
            }

            // \restrict guards psql against meta-commands smuggled into data; the data never goes through psql here.
            if (line.StartsWith("\\restrict ", StringComparison.Ordinal) || line.StartsWith("\\unrestrict ", StringComparison.Ordinal))
            {
                continue;
            }

            _inPreamble &= !(line.StartsWith("-- ", StringComparison.Ordinal) && line.Contains("; Type: ", StringComparison.Ordinal));
            if (_inPreamble && (line.StartsWith("SET ", StringComparison.Ordinal) || line.StartsWith("SELECT pg_catalog.set_config(", StringComparison.Ordinal)))
            {
                // The session settings every connection needs: encoding, search_path, timeouts.
                _session.Append(line).Append('\n');
            }

            (_workers is null ? _schema : _postData).Append(line).Append('\n');
        }

        return null;
    }

    private async Task<string?> ReadCopyDataAsync(LineBuffer reader, string copy, CancellationToken cancellationToken)
    {
        var data = reader.UnconsumedMemory;
        if (data.Span.StartsWith("\\.\n"u8))
        {
            if (!_copyHasData)
            {
                // An empty table goes through the workers all the same, so it is told loaded like the others.
                await _workers!.AddAsync(new CopyChunk(copy, ArrayPool<byte>.Shared.Rent(1), 0), cancellationToken);
            }

            reader.Consume(3);
            return null;
        }

        var end = data.Span.IndexOf(_terminator);
        var length = end >= 0 ? end + 1 : data.Span.LastIndexOf((byte)'\n') + 1;
        for (var offset = 0; offset < length;)
        {
            var size = LineAlignedSize(data.Span[offset..length]);
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            data.Span.Slice(offset, size).CopyTo(buffer);
            await _workers!.AddAsync(new CopyChunk(copy, buffer, size), cancellationToken);
            _copyHasData = true;
            offset += size;
        }

        reader.Consume(end >= 0 ? end + _terminator.Length : length);
        return end >= 0 ? null : copy;
    }

    /// <summary>Up to <see cref="ChunkSize"/> bytes of whole lines (one whole line when a line is longer).</summary>
    private static int LineAlignedSize(ReadOnlySpan<byte> lines)
    {
        if (lines.Length <= ChunkSize)
        {
            return lines.Length;
        }

        var lastNewline = lines[..ChunkSize].LastIndexOf((byte)'\n');
        return lastNewline >= 0 ? lastNewline + 1 : lines.IndexOf((byte)'\n') + 1;
    }

    private async Task StartDataAsync(CancellationToken cancellationToken)
    {
        if (_workers is not null)
        {
            return;
        }

        if (!_session.ToString().Contains("SET client_encoding = 'UTF8';", StringComparison.Ordinal))
        {
            throw new RestoreFailedException("The dump is not UTF8-encoded; restore it with psql -f as the runbook describes.");
        }

        if (!_partOnly)
        {
            await Psql.RunAsync(server, database, SchemaTransactions.Batched(_schema.ToString()), cancellationToken);
        }

        _workers = new CopyWorkers(RestoreDatabases.LoadConnectionString(server, database), _session.ToString(), connections, tablesExist ?? Task.CompletedTask,
            cancellationToken, tableLoaded);
    }
}

using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Restore;

/// <summary>
/// Builds what pg_dump puts after the data — primary keys, unique constraints, indexes, foreign keys — on several
/// connections at once and as early as each piece can go, the way <c>pg_restore -j</c> schedules its work:
/// a table's indexes start the moment its data is in, one connection each; a foreign key is added (NOT VALID) and
/// validated as soon as both of its tables have their data and indexes, while other tables may still be loading.
/// The result in the catalogue is the same as the dump's statements run one by one. Everything else in the section
/// runs through psql, in order, at the end.
/// </summary>
internal sealed partial class PostData : IAsyncDisposable
{
    private readonly ResolvedDatabaseServer _server;
    private readonly string _database;
    private readonly string _setup;
    private readonly Dictionary<string, List<string>> _indexesByTable = new(StringComparer.Ordinal);
    private readonly List<string> _indexesOfNoTable = [];
    private readonly List<ForeignKey> _waitingKeys = [];
    private readonly string _rest;
    private readonly Dictionary<string, int> _indexesLeft = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ready = new(StringComparer.Ordinal);
    private readonly List<Step> _queue = [];
    private readonly Dictionary<string, int> _runningOn = new(StringComparer.Ordinal);
    private readonly HashSet<string> _heldAlone = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _addingKey = new(1, 1);
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _workers;
    private readonly Psql _finish;
    private readonly Lock _gate = new();
    private int _pending;
    private bool _noMoreSteps;
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Statements run in order on one connection.</summary>
    /// <param name="Statements">The SQL.</param>
    /// <param name="IndexOf">The table when this builds one of its indexes or constraints.</param>
    /// <param name="AddsKey">The first statement adds a foreign key.</param>
    private sealed record Step(string[] Statements, string? IndexOf, bool AddsKey)
    {
        /// <summary>
        /// Adding a primary key or unique constraint (ALTER TABLE) locks its table against everything else, building
        /// an index (CREATE INDEX) only against changes: other index builds on the table can run beside it.
        /// </summary>
        public bool HoldsTableAlone { get; } =
            IndexOf is not null && IndexTarget().Match(Statements[0]).Value.StartsWith("ALTER TABLE", StringComparison.Ordinal);
    }

    /// <summary>A foreign key from <paramref name="Table"/> to <paramref name="References"/> (null when the statement could not be read).</summary>
    private sealed record ForeignKey(string Table, string? References, Step Step);

    /// <summary>Starts <paramref name="connections"/> connections that will build the post-data section <paramref name="text"/>.</summary>
    /// <param name="server">The server.</param>
    /// <param name="database">The database being restored.</param>
    /// <param name="session">The dump's session settings, run on each connection.</param>
    /// <param name="text">The post-data statements.</param>
    /// <param name="connections">How many connections build indexes and validate keys.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public PostData(ResolvedDatabaseServer server, string database, string session, string text, int connections, CancellationToken cancellationToken)
    {
        // One step per connection and one connection per core already keep every core busy: parallel workers would
        // only add processes competing for the same cores.
        (_server, _database, _setup) = (server, database,
            session + "SET maintenance_work_mem = '256MB'; SET max_parallel_maintenance_workers = 0; SET max_parallel_workers_per_gather = 0;");
        var rest = new StringBuilder(session);
        foreach (var (type, sql) in Split(text))
        {
            switch (type)
            {
                case "CONSTRAINT" or "INDEX" when IndexTarget().Match(sql) is { Success: true } match:
                    var table = match.Groups["table"].Value;
                    (_indexesByTable.TryGetValue(table, out var list) ? list : _indexesByTable[table] = []).Add(sql);
                    break;
                case "CONSTRAINT" or "INDEX":
                    _indexesOfNoTable.Add(sql);
                    break;
                case "FK CONSTRAINT":
                    _waitingKeys.Add(ForeignKeyOf(sql));
                    break;
                default:
                    rest.Append(sql);
                    break;
            }
        }

        _rest = rest.ToString();
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _finish = Psql.Start(server, database, _stop.Token);
        _workers = Enumerable.Range(0, connections).Select(_ => Task.Run(() => RunWorkerAsync(_stop.Token))).ToArray();
    }

    /// <summary>Runs the whole post-data section <paramref name="text"/> after all data is loaded.</summary>
    /// <exception cref="RestoreFailedException">A statement failed.</exception>
    public static async Task RunAsync(ResolvedDatabaseServer server, string database, string session, string text, int connections, CancellationToken cancellationToken)
    {
        await using var postData = new PostData(server, database, session, text, connections, cancellationToken);
        await postData.CompleteAsync("");
    }

    /// <summary>The data of <paramref name="tables"/> is in: builds their indexes now, then the keys that only waited for them.</summary>
    public void TablesLoaded(IEnumerable<string> tables)
    {
        lock (_gate)
        {
            foreach (var table in tables)
            {
                var indexes = _indexesByTable.GetValueOrDefault(table, []);
                _indexesLeft[table] = indexes.Count;
                foreach (var index in indexes)
                {
                    Enqueue(new Step([index], table, false));
                }

                if (indexes.Count == 0)
                {
                    MarkReady(table);
                }
            }
        }
    }

    /// <summary>
    /// Every table's data is in: builds what is left — indexes and keys of tables no data part named, the keys still
    /// waiting — and then, through psql, <paramref name="dataStatements"/> followed by the rest of the section.
    /// </summary>
    /// <param name="dataStatements">What the data parts hold besides table data, such as sequence values.</param>
    /// <exception cref="RestoreFailedException">A statement failed.</exception>
    public async Task CompleteAsync(string dataStatements)
    {
        lock (_gate)
        {
            foreach (var index in _indexesOfNoTable)
            {
                Enqueue(new Step([index], null, false));
            }

            foreach (var (table, indexes) in _indexesByTable.Where(table => !_indexesLeft.ContainsKey(table.Key)))
            {
                indexes.ForEach(index => Enqueue(new Step([index], table, false)));
            }
        }

        await WaitIdleAsync();
        lock (_gate)
        {
            foreach (var foreignKey in _waitingKeys)
            {
                Enqueue(foreignKey.Step);
            }

            _waitingKeys.Clear();
        }

        await WaitIdleAsync();
        EndQueue();
        await Task.WhenAll(_workers);
        await _finish.RunAsync(dataStatements + _rest, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        EndQueue();
        await _stop.CancelAsync();
        await Task.WhenAll(_workers).ContinueWith(_ => { }, TaskScheduler.Default);
        await _finish.DisposeAsync();
        _stop.Dispose();
        _addingKey.Dispose();
    }

    /// <summary>The table a COPY line loads, spelled as pg_dump spells it in the statements that follow.</summary>
    public static string? CopyTable(string copyLine) => CopyTarget().Match(copyLine) is { Success: true } match ? match.Groups["table"].Value : null;

    /// <summary>Cuts the text at pg_dump's per-object headers; the text before the first header is an entry of type "".</summary>
    internal static List<(string Type, string Sql)> Split(string text)
    {
        var entries = new List<(string Type, string Sql)>();
        var start = 0;
        var type = "";
        foreach (Match header in Header().Matches(text))
        {
            entries.Add((type, text[start..header.Index]));
            (start, type) = (header.Index, header.Groups["type"].Value);
        }

        entries.Add((type, text[start..]));
        return entries;
    }

    // Only a plain, still-to-be-validated foreign key is split into ADD … NOT VALID and VALIDATE.
    private static ForeignKey ForeignKeyOf(string sql)
    {
        if (ForeignKeyStatement().Match(sql) is not { Success: true } match)
        {
            return new ForeignKey("", null, new Step([sql], null, true));
        }

        var (table, name) = (match.Groups["table"].Value, match.Groups["name"].Value);
        var end = sql.LastIndexOf(';');
        var addNotValid = sql[..end] + " NOT VALID" + sql[end..];
        return new ForeignKey(table, match.Groups["references"].Value, new Step([addNotValid, $"ALTER TABLE ONLY {table} VALIDATE CONSTRAINT {name};"], null, true));
    }

    /// <summary>Queues a step; once the build is torn down after a failure there is nobody left to run it.</summary>
    private void Enqueue(Step step)
    {
        if (!_noMoreSteps)
        {
            _queue.Add(step);
            _pending++;
            Changed();
        }
    }

    private void EndQueue()
    {
        lock (_gate)
        {
            _noMoreSteps = true;
            Changed();
        }
    }

    /// <summary>Wakes the workers waiting for a step they may take.</summary>
    private void Changed()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The next step, or null once no more will come. A worker waits only when every queued step would wait for a lock.</summary>
    private async Task<Step?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (TakeRunnable() is { } step)
                {
                    return step;
                }

                if (_noMoreSteps && _queue.Count == 0)
                {
                    return null;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The first queued step that would not wait for another's lock on its table. A worker would otherwise sit idle
    /// behind a primary key being built while other work — another table's index, a key check — is ready.
    /// </summary>
    private Step? TakeRunnable()
    {
        var index = _queue.FindIndex(step => step.IndexOf is not { } table
            || (!_heldAlone.Contains(table) && !(step.HoldsTableAlone && _runningOn.GetValueOrDefault(table) > 0)));
        if (index < 0)
        {
            return null;
        }

        var step = _queue[index];
        _queue.RemoveAt(index);
        if (step.IndexOf is { } on)
        {
            _runningOn[on] = _runningOn.GetValueOrDefault(on) + 1;
            if (step.HoldsTableAlone)
            {
                _heldAlone.Add(on);
            }
        }

        return step;
    }

    /// <summary>A table is ready when its data and all its indexes are in; keys between two ready tables can go.</summary>
    private void MarkReady(string table)
    {
        _ready.Add(table);
        foreach (var foreignKey in _waitingKeys.Where(key => key.References is { } references && _ready.Contains(key.Table) && _ready.Contains(references)).ToList())
        {
            _waitingKeys.Remove(foreignKey);
            Enqueue(foreignKey.Step);
        }
    }

    private void Done(Step step)
    {
        lock (_gate)
        {
            if (step.IndexOf is { } on)
            {
                _runningOn[on]--;
                _heldAlone.Remove(on);
            }

            Changed();
            if (step.IndexOf is { } table && _indexesLeft.ContainsKey(table) && --_indexesLeft[table] == 0)
            {
                MarkReady(table);
            }

            if (--_pending == 0)
            {
                _idle.TrySetResult();
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Waits until every queued step is done; throws the first real failure if a worker stopped first.</summary>
    private async Task WaitIdleAsync()
    {
        Task idle;
        lock (_gate)
        {
            if (_pending == 0)
            {
                return;
            }

            idle = _idle.Task;
        }

        await Task.WhenAny(idle, Task.WhenAll(_workers));
        if (!idle.IsCompleted)
        {
            throw _workers.Where(worker => worker.IsFaulted).SelectMany(worker => worker.Exception!.InnerExceptions)
                .FirstOrDefault(exception => exception is not OperationCanceledException) ?? new OperationCanceledException();
        }
    }

    private async Task RunWorkerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(RestoreDatabases.LoadConnectionString(_server, _database));
            await connection.OpenAsync(cancellationToken);
            await RestoreDatabases.ExecuteAsync(connection, _setup, cancellationToken);
            while (await NextAsync(cancellationToken) is { } step)
            {
                await RunStepAsync(connection, step, cancellationToken);
                Done(step);
            }
        }
        catch (PostgresException exception)
        {
            await _stop.CancelAsync();
            throw new RestoreFailedException($"Building indexes and constraints failed: {exception.MessageText}", exception);
        }
        catch
        {
            // One failed worker stops the others: the restore is abandoned and its database dropped.
            await _stop.CancelAsync();
            throw;
        }
    }

    private async Task RunStepAsync(NpgsqlConnection connection, Step step, CancellationToken cancellationToken)
    {
        var rest = step.Statements.AsEnumerable();
        if (step.AddsKey)
        {
            // Adding a key locks both of its tables: two keys added at once in opposite directions between the
            // same tables would deadlock, so keys are added one at a time (validating them takes weaker locks).
            await _addingKey.WaitAsync(cancellationToken);
            try
            {
                await RestoreDatabases.ExecuteAsync(connection, step.Statements[0], cancellationToken);
            }
            finally
            {
                _addingKey.Release();
            }

            rest = rest.Skip(1);
        }

        foreach (var sql in rest)
        {
            await RestoreDatabases.ExecuteAsync(connection, sql, cancellationToken);
        }
    }

    [GeneratedRegex(@"^--\n-- (?:Data for )?Name: [^\n]*?; Type: (?<type>[^;\n]+);[^\n]*\n--\n", RegexOptions.Multiline)]
    private static partial Regex Header();

    /// <summary>A table name as pg_dump writes it: schema-qualified, each part quoted when it must be.</summary>
    private const string QualifiedName = @"(?:""(?:[^""]|"""")*""|[^\s"".(]+)(?:\.(?:""(?:[^""]|"""")*""|[^\s"".(]+))?";

    [GeneratedRegex("^COPY (?<table>" + QualifiedName + ") ")]
    private static partial Regex CopyTarget();

    [GeneratedRegex(@"^(?:ALTER TABLE ONLY (?<table>" + QualifiedName + @")\n\s+ADD CONSTRAINT |CREATE (?:UNIQUE )?INDEX (?:""(?:[^""]|"""")*""|\S+) ON (?:ONLY )?(?<table>" + QualifiedName + ") USING )", RegexOptions.Multiline)]
    private static partial Regex IndexTarget();

    [GeneratedRegex(@"^ALTER TABLE ONLY (?<table>[^\n]+)\n\s+ADD CONSTRAINT (?<name>[a-z_][a-z0-9_$]*|""(?:[^""]|"""")+"") FOREIGN KEY (?:(?!NOT VALID)[^;])*?REFERENCES (?<references>" + QualifiedName + @")\((?:(?!NOT VALID)[^;])*;\s*$", RegexOptions.Multiline)]
    private static partial Regex ForeignKeyStatement();
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Restore;

/// <summary>
/// Builds what pg_dump puts after the data — primary keys, unique constraints, indexes, foreign keys — on several
/// connections at once, the way <c>pg_restore -j</c> would: indexes in parallel, foreign keys added NOT VALID and then
/// validated in parallel (VALIDATE takes a lock that lets different tables proceed together). The result in the
/// catalogue is the same as the dump's statements run one by one. Everything else runs through psql, in order.
/// </summary>
internal static partial class PostData
{
    /// <summary>Runs the post-data section <paramref name="text"/> with <paramref name="session"/> settings on each connection.</summary>
    /// <param name="server">The server.</param>
    /// <param name="database">The database being restored.</param>
    /// <param name="session">The dump's session settings.</param>
    /// <param name="text">The post-data statements.</param>
    /// <param name="connections">How many connections build indexes and validate keys.</param>
    /// <param name="tablesDone">Tables whose indexes <see cref="BuildIndexesOfAsync"/> already built.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <exception cref="RestoreFailedException">A statement failed.</exception>
    public static async Task RunAsync(ResolvedDatabaseServer server, string database, string session, string text, int connections,
        IReadOnlySet<string> tablesDone, CancellationToken cancellationToken)
    {
        var entries = Split(text);
        var indexes = IndexEntries(entries).Where(entry => entry.Table is null || !tablesDone.Contains(entry.Table)).Select(entry => new[] { entry.Sql }).ToList();
        var foreignKeys = entries.Where(entry => entry.Type == "FK CONSTRAINT").Select(entry => (entry, Validation: ForeignKey().Match(entry.Sql))).ToList();
        var rest = new StringBuilder(session);
        foreach (var entry in entries.Where(entry => entry.Type is not ("CONSTRAINT" or "INDEX" or "FK CONSTRAINT")))
        {
            rest.Append(entry.Sql);
        }

        var setup = session + "SET maintenance_work_mem = '256MB';";
        await RunGroupsAsync(server, database, setup, indexes, connections, cancellationToken);
        var addNotValid = foreignKeys.Select(fk => fk.Validation.Success ? NotValid(fk.entry.Sql) : fk.entry.Sql).ToArray();
        await RunGroupsAsync(server, database, setup, [addNotValid], 1, cancellationToken);
        var validations = foreignKeys.Where(fk => fk.Validation.Success)
            .GroupBy(fk => fk.Validation.Groups["table"].Value, StringComparer.Ordinal)
            .Select(table => table.Select(fk => $"ALTER TABLE ONLY {table.Key} VALIDATE CONSTRAINT {fk.Validation.Groups["name"].Value};").ToArray())
            .ToList();
        await RunGroupsAsync(server, database, setup, validations, connections, cancellationToken);
        await Psql.RunAsync(server, database, rest.ToString(), cancellationToken);
    }

    /// <summary>
    /// Builds the indexes and constraints of <paramref name="tables"/> now, on one connection — while other tables
    /// are still loading — rather than waiting for every table's data.
    /// </summary>
    public static async Task BuildIndexesOfAsync(ResolvedDatabaseServer server, string database, string session, string text, IReadOnlySet<string> tables, CancellationToken cancellationToken)
    {
        var mine = IndexEntries(Split(text)).Where(entry => entry.Table is { } table && tables.Contains(table)).Select(entry => entry.Sql).ToArray();
        await RunGroupsAsync(server, database, session + "SET maintenance_work_mem = '256MB';", [mine], 1, cancellationToken);
    }

    /// <summary>The table a COPY line loads, spelled as pg_dump spells it in the statements that follow.</summary>
    public static string? CopyTable(string copyLine) => CopyTarget().Match(copyLine) is { Success: true } match ? match.Groups["table"].Value : null;

    private static IEnumerable<(string? Table, string Sql)> IndexEntries(List<(string Type, string Sql)> entries) =>
        entries.Where(entry => entry.Type is "CONSTRAINT" or "INDEX")
            .Select(entry => (IndexTarget().Match(entry.Sql) is { Success: true } match ? match.Groups["table"].Value : null, entry.Sql));

    /// <summary>Cuts the text at pg_dump's per-object headers; the text before the first header is an entry of type "".</summary>
    internal static List<(string Type, string Sql)> Split(string text)
    {
        var entries = new List<(string Type, string Sql)>();
        var headers = Header().Matches(text);
        var start = 0;
        var type = "";
        foreach (Match header in headers)
        {
            entries.Add((type, text[start..header.Index]));
            (start, type) = (header.Index, header.Groups["type"].Value);
        }

        entries.Add((type, text[start..]));
        return entries;
    }

    // Only a plain, still-to-be-validated foreign key is split into ADD … NOT VALID and VALIDATE.
    private static string NotValid(string sql)
    {
        var end = sql.LastIndexOf(';');
        return sql[..end] + " NOT VALID" + sql[end..];
    }

    private static async Task RunGroupsAsync(ResolvedDatabaseServer server, string database, string setup, List<string[]> groups, int connections, CancellationToken cancellationToken)
    {
        var queue = new ConcurrentQueue<string[]>(groups);
        var workers = Enumerable.Range(0, Math.Min(connections, groups.Count)).Select(_ => Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString(database));
            await connection.OpenAsync(cancellationToken);
            await Execute(connection, setup, cancellationToken);
            while (queue.TryDequeue(out var group))
            {
                foreach (var sql in group)
                {
                    await Execute(connection, sql, cancellationToken);
                }
            }
        }, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(workers);
        }
        catch (PostgresException exception)
        {
            throw new RestoreFailedException($"Building indexes and constraints failed: {exception.MessageText}", exception);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex(@"^--\n-- (?:Data for )?Name: [^\n]*?; Type: (?<type>[^;\n]+);[^\n]*\n--\n", RegexOptions.Multiline)]
    private static partial Regex Header();

    [GeneratedRegex(@"^COPY (?<table>\S+) ")]
    private static partial Regex CopyTarget();

    [GeneratedRegex(@"^(?:ALTER TABLE ONLY (?<table>\S+)\n\s+ADD CONSTRAINT |CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?(?<table>\S+) USING )", RegexOptions.Multiline)]
    private static partial Regex IndexTarget();

    [GeneratedRegex(@"^ALTER TABLE ONLY (?<table>[^\n]+)\n\s+ADD CONSTRAINT (?<name>[a-z_][a-z0-9_$]*|""(?:[^""]|"""")+"") FOREIGN KEY (?:(?!NOT VALID)[^;])*;\s*$", RegexOptions.Multiline)]
    private static partial Regex ForeignKey();
}

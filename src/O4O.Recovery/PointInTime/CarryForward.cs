using Npgsql;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.PointInTime;

/// <summary>What <see cref="CarryForward"/> brought over.</summary>
/// <param name="Rows">Rows inserted or updated in the recovered copy, per table (<c>schema.table</c>); tables with none are left out.</param>
/// <param name="Skipped">Tables it could not carry, and why (no primary key, not in the recovered copy, unreadable).</param>
internal sealed record CarriedRows(IReadOnlyDictionary<string, long> Rows, IReadOnlyList<string> Skipped)
{
    /// <summary>All rows carried.</summary>
    public long Total => Rows.Values.Sum();
}

/// <summary>
/// A point-in-time restore stops just before the damage, but the shop kept taking orders after it (a <c>DELETE</c> or
/// <c>TRUNCATE</c> leaves the table in place): swapping in the recovered copy alone would lose every order acknowledged
/// between the damage and the swap. Just before the swap, with the live database closed to new sessions, every row the
/// live database wrote after the recovered copy's snapshot (its inserting transaction not visible in the snapshot the
/// recovered instance stopped at) is upserted into the copy by primary key, parents before children, and every sequence
/// is moved to the higher of the two. What the damage removed stays recovered; what came after it stays too.
/// A row deleted on purpose after the damage comes back: a delete leaves no row to see.
/// </summary>
internal static class CarryForward
{
    /// <summary>How many tables one statement asks for rows written after the recovery point.</summary>
    private const int TablesPerProbe = 200;

    // The xid of a row's inserting transaction, widened to 64 bits with the live server's epoch (a 32-bit xid newer
    // than the current one belongs to the previous epoch), so that it can be checked against the recovered snapshot.
    // Frozen rows (xmin 2) are older than any snapshot.
    private const string WrittenAfter = """
        (t.xmin::text::bigint > 2 AND NOT pg_visible_in_snapshot(
            ((((c.x >> 32) - CASE WHEN t.xmin::text::bigint > (c.x & 4294967295) THEN 1 ELSE 0 END) << 32) | t.xmin::text::bigint)::text::xid8,
            @snapshot::pg_snapshot))
        """;

    private const string Tables = """
        SELECT c.oid::bigint, n.nspname, c.relname,
               (SELECT array_agg(a.attname ORDER BY k.ord) FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                WHERE i.indrelid = c.oid AND i.indisprimary),
               (SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a
                WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''),
               (SELECT array_agg(DISTINCT f.confrelid::bigint) FROM pg_constraint f WHERE f.conrelid = c.oid AND f.contype = 'f' AND f.confrelid <> c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
        """;

    /// <summary>
    /// Upserts into <paramref name="recovered"/> every row <paramref name="live"/> wrote after <paramref name="snapshot"/>
    /// (<c>pg_current_snapshot()</c> of the recovered instance where replay stopped), and raises its sequences.
    /// </summary>
    public static async Task<CarriedRows> RunAsync(NpgsqlConnection live, NpgsqlConnection recovered, string snapshot, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        var skipped = new List<string>();
        var recoveredTables = (await ReadTablesAsync(recovered, cancellationToken)).Select(table => table.Name).ToHashSet(StringComparer.Ordinal);
        var liveTables = await ReadTablesAsync(live, cancellationToken);
        var written = await WrittenTablesAsync(live, [.. liveTables.Where(table => recoveredTables.Contains(table.Name) && table.Key.Count > 0)], snapshot, cancellationToken);
        await using var transaction = await recovered.BeginTransactionAsync(cancellationToken);
        foreach (var table in InDependencyOrder(liveTables))
        {
            if (!recoveredTables.Contains(table.Name))
            {
                skipped.Add($"{table.Name}: not in the recovered copy");
            }
            else if (table.Key.Count == 0)
            {
                skipped.Add($"{table.Name}: no primary key");
            }
            else if (written?.Contains(table.Id) == false)
            {
                // Nothing written after the recovery point: nothing to carry.
            }
            else
            {
                // A damaged table (a checksum failure) must not stop the recovery that cures it: it is named instead.
                await transaction.SaveAsync("o4o_carry", cancellationToken);
                try
                {
                    if (await CarryAsync(live, recovered, table, snapshot, cancellationToken) is > 0 and var carried)
                    {
                        rows[table.Name] = carried;
                    }

                    await transaction.ReleaseAsync("o4o_carry", cancellationToken);
                }
                catch (PostgresException exception)
                {
                    await transaction.RollbackAsync("o4o_carry", cancellationToken);
                    skipped.Add($"{table.Name}: unreadable ({exception.MessageText})");
                }
            }
        }

        await RaiseSequencesAsync(live, recovered, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CarriedRows(rows, skipped);
    }

    /// <summary>
    /// The tables (by oid) holding a row written after <paramref name="snapshot"/>, asked in a few statements rather than a
    /// carry per table: the live database is closed while this runs, and with a thousand tables their temporary tables and
    /// round trips took seconds even when nothing was to be carried. Null when a table cannot be read (a damaged one):
    /// every table is then carried on its own, and the unreadable one named.
    /// </summary>
    private static async Task<HashSet<long>?> WrittenTablesAsync(NpgsqlConnection live, IReadOnlyList<LiveTable> tables, string snapshot, CancellationToken cancellationToken)
    {
        var written = new HashSet<long>();
        var writtenAfter = WrittenAfter.Replace("@snapshot", Literal(snapshot), StringComparison.Ordinal);
        foreach (var chunk in tables.Chunk(TablesPerProbe))
        {
            var probes = chunk.Select(table => $"(SELECT {table.Id}::bigint FROM {ManagedCluster.QuoteIdentifier(table.Schema)}.{ManagedCluster.QuoteIdentifier(table.Relation)} t, "
                + $"(SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS x) c WHERE {writtenAfter} LIMIT 1)");
            await using var command = new NpgsqlCommand(string.Join("\nUNION ALL ", probes), live);
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    written.Add(reader.GetInt64(0));
                }
            }
            catch (PostgresException)
            {
                return null;
            }
        }

        return written;
    }

    private static async Task<long> CarryAsync(NpgsqlConnection live, NpgsqlConnection recovered, LiveTable table, string snapshot,
        CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", table.Columns.Select(ManagedCluster.QuoteIdentifier));
        var name = $"{ManagedCluster.QuoteIdentifier(table.Schema)}.{ManagedCluster.QuoteIdentifier(table.Relation)}";
        await Execute(recovered, $"CREATE TEMP TABLE o4o_carried ON COMMIT DROP AS SELECT {columns} FROM {name} WITH NO DATA", cancellationToken);
        // Both copies end (their streams disposed) before the next command on either connection.
        {
            await using var reader = await live.BeginRawBinaryCopyAsync(
                $"COPY (SELECT {string.Join(", ", table.Columns.Select(column => "t." + ManagedCluster.QuoteIdentifier(column)))} FROM {name} t, "
                + $"(SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS x) c WHERE {WrittenAfter.Replace("@snapshot", Literal(snapshot), StringComparison.Ordinal)}) "
                + "TO STDOUT (FORMAT binary)", cancellationToken);
            await using var writer = await recovered.BeginRawBinaryCopyAsync($"COPY o4o_carried ({columns}) FROM STDIN (FORMAT binary)", cancellationToken);
            await reader.CopyToAsync(writer, cancellationToken);
        }

        var key = string.Join(", ", table.Key.Select(ManagedCluster.QuoteIdentifier));
        var updates = table.Columns.Except(table.Key).Select(column => $"{ManagedCluster.QuoteIdentifier(column)} = EXCLUDED.{ManagedCluster.QuoteIdentifier(column)}").ToList();
        // OVERRIDING SYSTEM VALUE: the platform's ids are GENERATED ALWAYS, and a carried row keeps the id its order was acknowledged with.
        var upsert = $"INSERT INTO {name} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM o4o_carried ON CONFLICT ({key}) "
            + (updates.Count == 0 ? "DO NOTHING" : $"DO UPDATE SET {string.Join(", ", updates)}");
        await using var command = new NpgsqlCommand(upsert, recovered);
        var carried = await command.ExecuteNonQueryAsync(cancellationToken);
        await Execute(recovered, "DROP TABLE o4o_carried", cancellationToken);
        return carried;
    }

    private static async Task RaiseSequencesAsync(NpgsqlConnection live, NpgsqlConnection recovered, CancellationToken cancellationToken)
    {
        var recoveredValues = await SequencesAsync(recovered, cancellationToken);
        foreach (var (sequence, value) in await SequencesAsync(live, cancellationToken))
        {
            if (value is { } used && recoveredValues.TryGetValue(sequence, out var has) && (has ?? long.MinValue) < used)
            {
                await using var raise = new NpgsqlCommand("SELECT setval($1::regclass, $2)", recovered)
                {
                    Parameters = { new NpgsqlParameter { Value = sequence }, new NpgsqlParameter { Value = used } },
                };
                await raise.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    /// <summary>Each sequence, quoted <c>schema.name</c>, with its last value (null before its first use).</summary>
    private static async Task<Dictionary<string, long?>> SequencesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value FROM pg_sequences", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new Dictionary<string, long?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            values[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        return values;
    }

    private static List<LiveTable> InDependencyOrder(IReadOnlyList<LiveTable> tables)
    {
        var done = new HashSet<long>();
        var byId = tables.ToDictionary(table => table.Id);
        var ordered = new List<LiveTable>();
        void Visit(LiveTable table, HashSet<long> path)
        {
            if (done.Contains(table.Id) || !path.Add(table.Id))
            {
                return;
            }

            foreach (var parent in table.References.Where(byId.ContainsKey))
            {
                Visit(byId[parent], path);
            }

            done.Add(table.Id);
            ordered.Add(table);
        }

        foreach (var table in tables.OrderBy(table => table.Name, StringComparer.Ordinal))
        {
            Visit(table, []);
        }

        return ordered;
    }

    private static async Task<IReadOnlyList<LiveTable>> ReadTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Tables, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<LiveTable>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(new LiveTable(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? [] : reader.GetFieldValue<string[]>(3),
                reader.IsDBNull(4) ? [] : reader.GetFieldValue<string[]>(4),
                reader.IsDBNull(5) ? [] : reader.GetFieldValue<long[]>(5)));
        }

        return tables;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private sealed record LiveTable(long Id, string Schema, string Relation, IReadOnlyList<string> Key, IReadOnlyList<string> Columns, IReadOnlyList<long> References)
    {
        public string Name => $"{Schema}.{Relation}";
    }
}

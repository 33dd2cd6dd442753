using System.Globalization;
using Dapper;
using O4O.Recovery.PointInTime;

namespace O4O.Recovery.State;

/// <summary>The platform tables' data files at a WAL position on a timeline, as the conductor noted them.</summary>
/// <param name="At">When.</param>
/// <param name="Timeline">The timeline the position is on.</param>
/// <param name="Lsn">The WAL position read just before the catalogue: anything that changed the files after it is in the WAL after it.</param>
/// <param name="Tables">The tables, with their files and live rows.</param>
internal sealed record TableFileMark(DateTimeOffset At, uint Timeline, Lsn Lsn, IReadOnlyList<PlatformTable> Tables)
{
    /// <summary>
    /// The oid of the database whose tables these are (their files name it); null for a mark of no tables. A restore swaps
    /// in another database, with another oid and other files: a mark of the one it replaced says nothing about the live one.
    /// </summary>
    public uint? Database => Tables.Count > 0 ? Tables[0].File.Database : null;
}

/// <summary>The marks in <c>state.db</c> (<c>table_file_marks</c>): the newest few days' worth, the rest pruned as new ones come.</summary>
internal sealed class TableFileMarks
{
    /// <summary>How long marks are kept: a damage found later than this is searched for from the backup instead.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(2);

    private readonly string _path;

    /// <summary>Opens (and creates) the marks in <paramref name="stateDatabase"/>.</summary>
    public TableFileMarks(string stateDatabase)
    {
        _path = stateDatabase;
        StateDatabase.Prepare(stateDatabase);
    }

    /// <summary>Adds <paramref name="mark"/> and prunes marks older than <see cref="Kept"/>.</summary>
    /// <param name="mark">The mark.</param>
    /// <param name="goingLive">The mark is of a database a restore puts live: the marks taken of that database before are
    /// forgotten, in the same transaction. They are from before it went (back) live, and the WAL after them holds the damage
    /// the restore was for (restore undo swaps a database back in under its oid; a full restore keeps every oid).</param>
    /// <param name="cancellationToken">Stops it.</param>
    public async Task AddAsync(TableFileMark mark, bool goingLive, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO table_file_marks (at, timeline, lsn, tables) VALUES (@at, @timeline, @lsn, @tables);
            DELETE FROM table_file_marks WHERE at < @oldest;
            SELECT last_insert_rowid()
            """,
            new
            {
                at = mark.At.ToUnixTimeMilliseconds(),
                timeline = (long)mark.Timeline,
                lsn = mark.Lsn.ToString(),
                tables = Lines(mark.Tables),
                oldest = (mark.At - Kept).ToUnixTimeMilliseconds()
            },
            transaction, cancellationToken: cancellationToken));
        if (goingLive && mark.Database is { } database)
        {
            var forgotten = new List<long>();
            // Each mark's first table only: all of a mark's tables are in one database.
            await using (var earlier = await connection.ExecuteReaderAsync(new CommandDefinition(
                "SELECT id, substr(tables, 1, instr(tables || char(10), char(10)) - 1) FROM table_file_marks WHERE id < @id",
                new { id }, transaction, cancellationToken: cancellationToken)))
            {
                while (await earlier.ReadAsync(cancellationToken))
                {
                    if (Tables(earlier.GetString(1)) is [var first, ..] && first.File.Database == database)
                    {
                        forgotten.Add(earlier.GetInt64(0));
                    }
                }
            }

            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM table_file_marks WHERE id IN @forgotten", new { forgotten }, transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The marks taken before <paramref name="before"/>, newest first (at most <see cref="Kept"/>'s worth).</summary>
    public async Task<IReadOnlyList<TableFileMark>> BeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        var rows = await connection.QueryAsync<MarkRow>(new CommandDefinition(
            "SELECT at AS At, timeline AS Timeline, lsn AS Lsn, tables AS Tables FROM table_file_marks WHERE at < @before ORDER BY at DESC",
            new { before = before.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return [.. rows.Select(row => new TableFileMark(DateTimeOffset.FromUnixTimeMilliseconds(row.At), (uint)row.Timeline, Lsn.Parse(row.Lsn), Tables(row.Tables)))];
    }

    private static string Lines(IEnumerable<PlatformTable> tables) => string.Join('\n', tables.Select(table => string.Join('\t',
        table.Name, table.File.Tablespace, table.File.Database, table.File.FileNode, table.RowsAtStart?.ToString(CultureInfo.InvariantCulture) ?? "")));

    private static List<PlatformTable> Tables(string lines) => lines.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split('\t'))
        .Select(fields => new PlatformTable(fields[0],
            new RelationFile(uint.Parse(fields[1], CultureInfo.InvariantCulture), uint.Parse(fields[2], CultureInfo.InvariantCulture), uint.Parse(fields[3], CultureInfo.InvariantCulture)),
            fields[4].Length == 0 ? null : long.Parse(fields[4], CultureInfo.InvariantCulture)))
        .ToList();

    private sealed record MarkRow(long At, long Timeline, string Lsn, string Tables);
}

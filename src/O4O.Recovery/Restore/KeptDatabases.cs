using System.Globalization;
using Npgsql;

namespace O4O.Recovery.Restore;

/// <summary>A database a restore or an undo kept aside, or a restore's leftover copy.</summary>
/// <param name="Name">Its name.</param>
/// <param name="KeptAt">When it was set aside (from its name's timestamp); null for a copy.</param>
/// <param name="Size">Its size on disk in bytes.</param>
public sealed record KeptDatabase(string Name, DateTimeOffset? KeptAt, long Size);

/// <summary>
/// The databases restores leave on the server: every replaced database is kept as <c>&lt;db&gt;_broken_&lt;time&gt;</c>
/// (<c>_undone_</c> for an undo) until someone drops it, and a killed restore leaves <c>&lt;db&gt;_restore</c>.
/// One catalogue query; the sizes are the server's own accounting (<c>pg_database_size</c>), no table is read.
/// </summary>
public static class KeptDatabases
{
    /// <summary>The replaced databases kept for <paramref name="live"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<KeptDatabase>> ListAsync(NpgsqlConnection admin, string live, CancellationToken cancellationToken)
    {
        var kept = await QueryAsync(admin, "starts_with(datname, $1 || '_broken_') OR starts_with(datname, $1 || '_undone_')", live, cancellationToken);
        return kept.OrderBy(database => database.KeptAt).ToList();
    }

    /// <summary>The restore copy <c>&lt;db&gt;_restore</c>, when one is on the server.</summary>
    public static async Task<KeptDatabase?> CopyAsync(NpgsqlConnection admin, string live, CancellationToken cancellationToken) =>
        (await QueryAsync(admin, "datname = $1 || '_restore'", live, cancellationToken)).FirstOrDefault();

    private static async Task<List<KeptDatabase>> QueryAsync(NpgsqlConnection admin, string condition, string live, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT datname, pg_database_size(oid) FROM pg_database WHERE {condition}", admin)
        {
            Parameters = { new NpgsqlParameter { Value = live } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var databases = new List<KeptDatabase>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            databases.Add(new KeptDatabase(name, KeptAt(name), reader.GetInt64(1)));
        }

        return databases;
    }

    private static DateTimeOffset? KeptAt(string name) =>
        name.Length > 15 && DateTime.TryParseExact(name[^15..], "yyyyMMdd_HHmmss", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;
}

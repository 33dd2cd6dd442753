using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace O4O.Recovery.State;

/// <summary>
/// The schema of <c>state.db</c>, defined in one place: the numbered scripts in <c>State/Migrations</c>
/// (<c>0001_….sql</c>, <c>0002_….sql</c>, …), applied in order. <c>PRAGMA user_version</c> holds the number of the last
/// one applied, so a <c>state.db</c> written by any earlier version is upgraded in place when it is opened. A change to
/// the schema is a new script, never an edit of one that has shipped.
/// </summary>
internal static class StateSchema
{
    private const string Prefix = "O4O.Recovery.State.Migrations.";

    private static readonly IReadOnlyList<(int Version, string Sql)> _steps = Load();

    /// <summary>The version this build writes: the number of its last script.</summary>
    public static int Latest => _steps[^1].Version;

    /// <summary>Applies the scripts <paramref name="connection"/>'s database has not had yet, in one transaction.</summary>
    /// <exception cref="StateSchemaTooNewException">A newer o4o upgraded it past what this one knows.</exception>
    public static void Upgrade(SqliteConnection connection)
    {
        var found = Version(connection, null);
        if (found > Latest)
        {
            throw new StateSchemaTooNewException(connection.DataSource, found, Latest);
        }

        if (found == Latest)
        {
            return;
        }

        // Kept by the file once set; it cannot be changed inside a transaction.
        connection.Execute("PRAGMA journal_mode = WAL");
        // BEGIN IMMEDIATE takes the write lock first: the CLI and the conductor may open an old file at the same moment,
        // and the second one waits, then finds it upgraded.
        using var transaction = connection.BeginTransaction(deferred: false);
        var current = Version(connection, transaction);
        foreach (var (_, sql) in _steps.Where(step => step.Version > current))
        {
            connection.Execute(sql, transaction: transaction);
        }

        connection.Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {Latest}"), transaction: transaction);
        transaction.Commit();
    }

    private static long Version(SqliteConnection connection, SqliteTransaction? transaction) =>
        connection.ExecuteScalar<long>("PRAGMA user_version", transaction: transaction);

    private static List<(int Version, string Sql)> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(name => (int.Parse(name.AsSpan(Prefix.Length, 4), CultureInfo.InvariantCulture), Read(assembly, name)))
            .OrderBy(step => step.Item1)
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }
}

/// <summary>
/// <c>state.db</c> was upgraded by a newer o4o than this one: its tables may no longer be what this version reads and
/// writes, so it is not opened rather than misread.
/// </summary>
internal sealed class StateSchemaTooNewException(string path, long found, int known)
    : Exception($"{path} has schema version {found}, from a newer o4o; this one knows up to {known}. "
        + "Run the newer o4o, or put back a copy of state.db made before the upgrade.");

using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Data.Sqlite;
using O4O.Recovery.IO;

namespace O4O.Recovery.Incidents;

/// <summary>
/// Connections to <c>$O4O_HOME/state.db</c> (SQLite in WAL mode, shared with other recovery features), each feature
/// bringing its own embedded schema file of <c>CREATE TABLE IF NOT EXISTS</c> statements.
/// </summary>
public static class StateDatabase
{
    private static readonly ConcurrentDictionary<(string Path, string Schema), bool> _prepared = new();

    /// <summary>Opens <paramref name="path"/>, creating it and the tables of <paramref name="schemas"/> if needed.</summary>
    /// <param name="path">The state database file.</param>
    /// <param name="schemas">The embedded schema files, e.g. <c>Incidents/incidents.sql</c>.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public static async Task<SqliteConnection> OpenAsync(string path, IReadOnlyList<string> schemas, CancellationToken cancellationToken)
    {
        PrivateFiles.CreateIfMissing(path);
        // The conductor and the CLI write at the same time: wait for the other writer rather than fail at once.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync(cancellationToken);
        foreach (var schema in schemas.Where(schema => !_prepared.ContainsKey((path, schema))))
        {
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode=WAL;\n" + ReadSchema(schema);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            _prepared[(path, schema)] = true;
        }

        return connection;
    }

    private static string ReadSchema(string schema)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var name = "O4O.Recovery." + schema.Replace('/', '.');
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Schema {schema} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

using Microsoft.Data.Sqlite;
using O4O.Recovery.IO;

namespace O4O.Recovery.State;

/// <summary>
/// The one way into <c>$O4O_HOME/state.db</c> (SQLite in WAL mode), where the incidents, the event log, the settings,
/// the escalation, the notification outbox and the backup catalogue live: the file is created owner-only before SQLite
/// opens it, and its schema is brought up to date (<see cref="StateSchema"/>) by whichever process opens it first.
/// </summary>
internal static class StateDatabase
{
    /// <summary>Opens <paramref name="path"/>, creating it and upgrading its schema if needed.</summary>
    /// <param name="path">The state database file.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public static Task<SqliteConnection> OpenAsync(string path, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite opens synchronously whichever method is called: one way to open is enough.
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Open(path));
    }

    /// <summary><see cref="OpenAsync"/> for the catalogue, whose callers are synchronous.</summary>
    internal static SqliteConnection Open(string path)
    {
        // Owner-only before SQLite touches it: SQLite gives the -wal and -shm files the database file's mode.
        PrivateFiles.CreateIfMissing(path);
        // The conductor and the CLI write at the same time: wait up to 30 s for the other writer rather than fail at once.
        // Not pooled: nothing keeps the file open once its user is done with it.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            connection.Open();
            StateSchema.Upgrade(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Creates the file and its tables now, so a reader finds them even before anything was written.</summary>
    internal static void Prepare(string path) => Open(path).Dispose();
}

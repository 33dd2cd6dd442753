namespace O4O.Recovery.Tests.Incidents;

/// <summary>A state.db in a temporary directory of its own, deleted afterwards.</summary>
internal sealed class StateFile : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("o4o-state-").FullName;

    public string Path => System.IO.Path.Combine(_directory, "state.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

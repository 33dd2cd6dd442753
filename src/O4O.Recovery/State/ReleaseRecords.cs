using Dapper;

namespace O4O.Recovery.State;

/// <summary>What <c>state.db</c> knows of one release beyond its manifest.</summary>
/// <param name="Name">The release's directory name.</param>
/// <param name="CurrentSince">When it was last made current; null when it never was.</param>
/// <param name="MadeCurrentBy">Who made it current.</param>
/// <param name="Backup">The logical backup taken before its migrations ran, when it carried new ones.</param>
/// <param name="Health">How the platform came up on it: <c>healthy</c>, <c>failed</c>, or null when it never ran.</param>
public sealed record ReleaseRecord(string Name, DateTimeOffset? CurrentSince, string? MadeCurrentBy, string? Backup, string? Health);

/// <summary>
/// The current release and each release's record, in <c>$O4O_HOME/state.db</c> (table <c>releases</c>, setting
/// <c>current-release</c>): the conductor reads the pointer at every start of the platform, so switching is one
/// SQLite transaction, atomic whoever dies in the middle.
/// </summary>
public sealed class ReleaseRecords
{
    /// <summary>The setting naming the current release.</summary>
    public const string CurrentSetting = "current-release";

    private readonly string _path;

    /// <summary>Opens (and creates) the records in <paramref name="stateDatabase"/>.</summary>
    public ReleaseRecords(string stateDatabase)
    {
        _path = stateDatabase;
        StateDatabase.Prepare(stateDatabase);
    }

    /// <summary>The current release's name, or null when none was ever made current (the build output runs).</summary>
    public string? Current()
    {
        using var connection = StateDatabase.Open(_path);
        return connection.QuerySingleOrDefault<string>("SELECT value FROM settings WHERE key = @key", new { key = CurrentSetting });
    }

    /// <summary>Every release's record, by name.</summary>
    public IReadOnlyDictionary<string, ReleaseRecord> ReadAll()
    {
        using var connection = StateDatabase.Open(_path);
        return connection.Query<Row>("SELECT name, current_since AS CurrentSince, made_current_by AS MadeCurrentBy, backup, health FROM releases")
            .ToDictionary(row => row.Name, row => new ReleaseRecord(row.Name,
                row.CurrentSince is { } since ? DateTimeOffset.FromUnixTimeMilliseconds(since) : null, row.MadeCurrentBy, row.Backup, row.Health),
                StringComparer.Ordinal);
    }

    /// <summary>
    /// Makes <paramref name="name"/> current in one transaction: the pointer, when and by whom (its backup, when its
    /// deploy took one, is kept, so a rollback to it does not forget it).
    /// </summary>
    public void MakeCurrent(string name, string actor, DateTimeOffset at)
    {
        using var connection = StateDatabase.Open(_path);
        using var transaction = connection.BeginTransaction(deferred: false);
        var ms = at.ToUnixTimeMilliseconds();
        connection.Execute("""
            INSERT INTO releases (name, current_since, made_current_by, backup, health) VALUES (@name, @ms, @actor, NULL, NULL)
            ON CONFLICT (name) DO UPDATE SET current_since = excluded.current_since, made_current_by = excluded.made_current_by, health = NULL
            """, new { name, ms, actor }, transaction);
        connection.Execute("""
            INSERT INTO settings (key, value, changed_by, changed_at) VALUES (@key, @name, @actor, @ms)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_by = excluded.changed_by, changed_at = excluded.changed_at
            """, new { key = CurrentSetting, name, actor, ms }, transaction);
        transaction.Commit();
    }

    /// <summary>Records the logical backup taken before <paramref name="name"/>'s migrations run (the recovery point a refused rollback names).</summary>
    public void RecordBackup(string name, string backup)
    {
        using var connection = StateDatabase.Open(_path);
        connection.Execute("""
            INSERT INTO releases (name, current_since, made_current_by, backup, health) VALUES (@name, NULL, NULL, @backup, NULL)
            ON CONFLICT (name) DO UPDATE SET backup = excluded.backup
            """, new { name, backup });
    }

    /// <summary>Records how the platform came up on <paramref name="name"/> (also a release never made current: one refused by its health gate).</summary>
    public void SetHealth(string name, string health)
    {
        using var connection = StateDatabase.Open(_path);
        connection.Execute("""
            INSERT INTO releases (name, current_since, made_current_by, backup, health) VALUES (@name, NULL, NULL, NULL, @health)
            ON CONFLICT (name) DO UPDATE SET health = excluded.health
            """, new { name, health });
    }

    /// <summary>No release is current any more: the build output runs (a rollback to the build a home ran before its first release).</summary>
    public void ClearCurrent()
    {
        using var connection = StateDatabase.Open(_path);
        connection.Execute("DELETE FROM settings WHERE key = @key", new { key = CurrentSetting });
    }

    /// <summary>Forgets a pruned release.</summary>
    public void Forget(string name)
    {
        using var connection = StateDatabase.Open(_path);
        connection.Execute("DELETE FROM releases WHERE name = @name", new { name });
    }

    private sealed record Row(string Name, long? CurrentSince, string? MadeCurrentBy, string? Backup, string? Health);
}

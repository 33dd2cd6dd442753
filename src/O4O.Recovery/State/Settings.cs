using Dapper;

namespace O4O.Recovery.State;

/// <summary>A persisted setting, with who changed it last and when.</summary>
/// <param name="Value">The value.</param>
/// <param name="ChangedBy">Who set it; null when it never was (the default applies).</param>
/// <param name="ChangedAt">When; null when it never was.</param>
public sealed record SettingValue(string Value, string? ChangedBy, DateTimeOffset? ChangedAt);

/// <summary>Settings the operators switch at run time (AutoRecovery), in <c>$O4O_HOME/state.db</c>, surviving restarts.</summary>
public sealed class Settings
{
    /// <summary>The AutoRecovery switch: <c>on</c> or <c>off</c>.</summary>
    public const string AutoRecovery = "auto-recovery";

    private readonly string _path;

    /// <summary>Opens (and creates) the settings in <paramref name="stateDatabase"/>.</summary>
    public Settings(string stateDatabase)
    {
        _path = stateDatabase;
        StateDatabase.Prepare(stateDatabase);
    }

    /// <summary>The value of <paramref name="key"/>, or <paramref name="defaultValue"/> with no author when never set.</summary>
    public async Task<SettingValue> GetAsync(string key, string defaultValue, CancellationToken cancellationToken = default)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SettingRow>(new CommandDefinition(
            "SELECT value, changed_by AS ChangedBy, changed_at AS ChangedAt FROM settings WHERE key = @key", new { key }, cancellationToken: cancellationToken));
        return row is null
            ? new SettingValue(defaultValue, null, null)
            : new SettingValue(row.Value, row.ChangedBy, DateTimeOffset.FromUnixTimeMilliseconds(row.ChangedAt));
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>, recording <paramref name="actor"/> and <paramref name="at"/>.</summary>
    public async Task SetAsync(string key, string value, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO settings (key, value, changed_by, changed_at) VALUES (@key, @value, @actor, @at) ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_by = excluded.changed_by, changed_at = excluded.changed_at",
            new { key, value, actor, at = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    private sealed record SettingRow(string Value, string ChangedBy, long ChangedAt);
}

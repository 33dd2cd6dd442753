using System.Text.Json;
using System.Text.Json.Serialization;
using O4O.Recovery.IO;

namespace O4O.Recovery.Restore;

/// <summary>What a restore in progress has changed, so a run killed with <c>kill -9</c> can be undone by the next.</summary>
/// <param name="LiveDatabase">The platform database.</param>
/// <param name="RestoreDatabase">The database this restore created (or was about to).</param>
/// <param name="ConnectionsPaused">True between ALLOW_CONNECTIONS false and the end of the swap.</param>
/// <param name="DisplacedDatabase">The name the live database is being renamed to.</param>
internal sealed record RestoreJournalEntry(string LiveDatabase, string RestoreDatabase, bool ConnectionsPaused, string? DisplacedDatabase);

/// <summary>The journal file, <c>$O4O_HOME/run/restore.json</c>, written atomically before each risky step.</summary>
internal sealed class RestoreJournal(string path)
{
    public RestoreJournalEntry? Read() =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), RestoreJournalJson.Default.RestoreJournalEntry) : null;

    public void Write(RestoreJournalEntry entry) => AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(entry, RestoreJournalJson.Default.RestoreJournalEntry));

    public void Clear() => File.Delete(path);
}

/// <summary>The journal's JSON contract, generated at build time: it is written before a restore's first step.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RestoreJournalEntry))]
internal sealed partial class RestoreJournalJson : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;
using O4O.Recovery.IO;

namespace O4O.Recovery.Releases;

/// <summary>A DbUp script a release carries, by the name DbUp records it under in <c>schemaversions</c>.</summary>
/// <param name="Name">The embedded resource's name (<c>O4O.Platform.Data.Migrations.0009_demo_prices_in_won.sql</c>).</param>
/// <param name="BackwardCompatible">
/// Its first line is <see cref="MigrationScripts.BackwardCompatibleMarker"/>: the code of earlier releases still runs on
/// the schema it leaves (an expand step), so a rollback may pass it.
/// </param>
public sealed record ReleaseMigration(string Name, bool BackwardCompatible);

/// <summary>
/// <c>release.json</c>, written once, atomically, when a release is published: what it is, where it came from, the
/// SHA-256 of every file it runs (what <c>o4o audit</c> compares), and its migrations.
/// </summary>
/// <param name="Version">The platform's version (its informational version without build metadata).</param>
/// <param name="Commit">The git commit it was built from; null for a source directory that is not a git checkout.</param>
/// <param name="CreatedAt">When it was published.</param>
/// <param name="CreatedBy">Who published it.</param>
/// <param name="Source">What <c>o4o deploy</c> was given: a directory or a git ref.</param>
/// <param name="Migrations">Every DbUp script it carries.</param>
/// <param name="NewMigrations">The scripts the release that was current when it was published (or the build output then running) lacked.</param>
/// <param name="Files">SHA-256 of every file under <c>app/</c>, by its path relative to it.</param>
public sealed record ReleaseManifest(
    string Version,
    string? Commit,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    string Source,
    IReadOnlyList<ReleaseMigration> Migrations,
    IReadOnlyList<string> NewMigrations,
    IReadOnlyDictionary<string, string> Files)
{
    /// <summary>The file's name in a release directory.</summary>
    public const string FileName = "release.json";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Whether it carries migrations the release before it lacked.</summary>
    public bool CarriesMigrations => NewMigrations.Count > 0;

    /// <summary>Writes it into <paramref name="directory"/> atomically (0600).</summary>
    public void Write(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, _json));

    /// <summary>Reads <paramref name="directory"/>'s manifest; null when it has none or it cannot be read.</summary>
    public static ReleaseManifest? TryRead(string directory)
    {
        try
        {
            return JsonSerializer.Deserialize<ReleaseManifest>(File.ReadAllText(Path.Combine(directory, FileName)), _json);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}

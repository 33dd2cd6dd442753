using System.Text.Json;
using System.Text.Json.Serialization;

namespace O4O.Cli.Commands;

/// <summary>
/// The one <c>--json</c> setting of every command (status, backup list, incident, verify, audit): camelCase names,
/// indented; enums as camelCase strings, never numbers; a value that is absent is written as <c>null</c>, not left out,
/// so a script finds every field of the shape every time.
/// </summary>
internal static class CliJson
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, _json);
}

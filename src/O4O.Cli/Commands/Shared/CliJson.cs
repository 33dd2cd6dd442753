using System.Text.Json;
using System.Text.Json.Serialization;

namespace O4O.Cli.Commands;

/// <summary>The <c>--json</c> output of incident, verify and audit: camelCase, indented, nulls left out.</summary>
internal static class CliJson
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, _json);
}

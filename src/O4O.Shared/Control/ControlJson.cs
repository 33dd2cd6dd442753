using System.Text.Json;
using System.Text.Json.Serialization;

namespace O4O.Recovery.Control;

/// <summary>The control API's JSON conventions, shared by server and client.</summary>
public static class ControlJson
{
    /// <summary>Web defaults (camelCase) with enums as strings.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}

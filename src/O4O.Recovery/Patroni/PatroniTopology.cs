using System.Text.Json;
using System.Text.Json.Serialization;

namespace O4O.Recovery.Patroni;

/// <summary>What Patroni's <c>GET /cluster</c> says: the members, their roles, states, timelines and lag.</summary>
/// <param name="Members">Every member Patroni knows of, running or not.</param>
public sealed record PatroniTopology(IReadOnlyList<PatroniMemberState> Members)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>The member holding the leader key and running, or null during an election.</summary>
    public PatroniMemberState? Leader => Members.FirstOrDefault(member => member.IsLeader && member.State == "running");

    /// <summary>Reads <c>/cluster</c>'s JSON.</summary>
    /// <exception cref="JsonException">It is not what Patroni writes.</exception>
    public static PatroniTopology Parse(string json) =>
        JsonSerializer.Deserialize<PatroniTopology>(json, _json) is { Members: not null } topology
            ? topology
            : throw new JsonException("no members in Patroni's /cluster answer");
}

/// <summary>One member in <c>/cluster</c>.</summary>
/// <param name="Name">Its name (<c>pg0</c>).</param>
/// <param name="Role"><c>leader</c>, <c>sync_standby</c>, <c>replica</c> (Patroni 3).</param>
/// <param name="State"><c>running</c>, <c>streaming</c>, <c>stopped</c>, <c>starting</c>, <c>crashed</c>, …</param>
/// <param name="Host">PostgreSQL's host.</param>
/// <param name="Port">PostgreSQL's port.</param>
/// <param name="Timeline">The timeline it is on; each promotion starts a new one.</param>
/// <param name="Lag">Bytes of WAL behind the leader; null for the leader, or "unknown" in Patroni's text.</param>
/// <param name="ApiUrl">Its Patroni's REST API (<c>http://127.0.0.1:8008/patroni</c>).</param>
public sealed record PatroniMemberState(string Name, string Role, string State, string? Host, int? Port, long? Timeline,
    [property: JsonConverter(typeof(LagConverter))] long? Lag, [property: JsonPropertyName("api_url")] string? ApiUrl = null)
{
    /// <summary>True for the leader (Patroni 3 says <c>leader</c>; a standby cluster's <c>standby_leader</c> too).</summary>
    public bool IsLeader => Role is "leader" or "standby_leader";
}

/// <summary>Patroni writes the lag as a number of bytes, or as the text <c>unknown</c> when it cannot tell.</summary>
internal sealed class LagConverter : JsonConverter<long?>
{
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : null;

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
    {
        if (value is { } lag)
        {
            writer.WriteNumberValue(lag);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

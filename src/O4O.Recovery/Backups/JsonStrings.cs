using System.Text;
using System.Text.Json;

namespace O4O.Recovery.Backups;

/// <summary>One string value in a JSON document, where it lies in the document's bytes.</summary>
/// <param name="Path">Its configuration key: property names and array indices joined by <c>:</c>.</param>
/// <param name="Start">Where its token (quotes included) starts.</param>
/// <param name="Length">The token's length in bytes.</param>
/// <param name="Value">The string, unescaped.</param>
internal sealed record JsonString(string Path, int Start, int Length, string Value)
{
    /// <summary>The last part of <see cref="Path"/>: the property that holds the value.</summary>
    public string Key => Path[(Path.LastIndexOf(':') + 1)..];
}

/// <summary>
/// The string values of a configuration file (JSON with comments, as .NET reads it), found in place so they can be
/// replaced without reformatting the file or losing its comments.
/// </summary>
internal static class JsonStrings
{
    private static readonly JsonReaderOptions _options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Every string value of <paramref name="json"/>.</summary>
    /// <exception cref="JsonException">Not JSON.</exception>
    public static List<JsonString> Find(byte[] json)
    {
        var found = new List<JsonString>();
        var reader = new Utf8JsonReader(json, _options);
        var frames = new List<Frame>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                    continue;
                case JsonTokenType.PropertyName:
                    frames[^1].Segment = reader.GetString()!;
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    break;
                case JsonTokenType.String:
                    found.Add(new JsonString(string.Join(':', frames.Select(frame => frame.Segment)), (int)reader.TokenStartIndex,
                        reader.ValueSpan.Length + 2, reader.GetString()!));
                    break;
            }

            // A value ended: in an array, the next one has the next index.
            if (frames.Count > 0 && frames[^1].IsArray)
            {
                frames[^1].Index++;
            }
        }

        return found;
    }

    /// <summary><paramref name="json"/> with each of <paramref name="replacements"/> put in place of its token.</summary>
    public static byte[] Replace(byte[] json, IEnumerable<(JsonString Token, string Value)> replacements)
    {
        using var output = new MemoryStream(json.Length);
        var position = 0;
        foreach (var (token, value) in replacements.OrderBy(replacement => replacement.Token.Start))
        {
            output.Write(json, position, token.Start - position);
            output.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));
            position = token.Start + token.Length;
        }

        output.Write(json, position, json.Length - position);
        return output.ToArray();
    }

    /// <summary>An object or array being read, and where in it the reader is.</summary>
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; }

        public string Segment
        {
            get => IsArray ? Index.ToString(System.Globalization.CultureInfo.InvariantCulture) : field;
            set => field = value;
        } = "";
    }
}

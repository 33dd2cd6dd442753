using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace O4O.Recovery.Backups;

/// <summary>
/// <c>o4o.json</c> without its secrets, as archives hold it unless made with <c>--include-secrets</c>: an archive is
/// copied off-site and kept for months, and a webhook URL, an SMTP password or a connection string's password in it
/// would be readable by whoever reads the backups. Values are replaced in place, so the file keeps its layout and comments.
/// </summary>
internal static partial class ConfigurationRedaction
{
    /// <summary>What a secret is replaced with; a restore puts the live file's value back in its place.</summary>
    public const string Marker = "REDACTED-BY-O4O-BACKUP";

    /// <summary><paramref name="json"/> with its secrets replaced by <see cref="Marker"/>.</summary>
    /// <exception cref="BackupFailedException">The file is not JSON, so its secrets cannot be found.</exception>
    public static byte[] Redact(byte[] json, string file)
    {
        List<JsonString> values;
        try
        {
            values = JsonStrings.Find(json);
        }
        catch (JsonException exception)
        {
            throw new BackupFailedException($"{file} is not valid JSON ({exception.Message}): fix it, or pass --include-secrets to back it up as it is.");
        }

        return JsonStrings.Replace(json, values.Select(value => (value, Redacted(value))).Where(pair => pair.Item2 != pair.value.Value));
    }

    /// <summary>
    /// <paramref name="archived"/> (a restored <c>o4o.json</c>) with each redacted value replaced by the value under the
    /// same key in <paramref name="live"/>, the file it replaces: the restore brings back the configuration, and the
    /// secrets stay this machine's. A key the live file lacks keeps the marker, which says what to set again.
    /// </summary>
    public static byte[] KeepLiveSecrets(byte[] archived, byte[]? live)
    {
        var liveValues = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (live is not null)
        {
            try
            {
                foreach (var value in JsonStrings.Find(live))
                {
                    liveValues[value.Path] = value.Value;
                }
            }
            catch (JsonException)
            {
                // A live file that is not JSON has no secrets to keep: the markers stay.
            }
        }

        return JsonStrings.Replace(archived, JsonStrings.Find(archived)
            .Where(value => value.Value.Contains(Marker, StringComparison.Ordinal) && liveValues.ContainsKey(value.Path))
            .Select(value => (value, liveValues[value.Path])));
    }

    /// <summary>The configuration keys (<c>Offsite:SecretAccessKey</c>) whose values in <paramref name="json"/> are still redacted; none when it is not JSON.</summary>
    public static IReadOnlyList<string> RedactedKeys(byte[] json)
    {
        try
        {
            return [.. JsonStrings.Find(json).Where(value => value.Value.Contains(Marker, StringComparison.Ordinal)).Select(value => value.Path)];
        }
        catch (JsonException)
        {
            // Only an archive made with --include-secrets holds a file that is not JSON: nothing in it was redacted.
            return [];
        }
    }

    /// <summary>True when <paramref name="json"/> holds a redacted value.</summary>
    public static bool IsRedacted(byte[] json) => json.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker)) >= 0;

    private static string Redacted(JsonString value)
    {
        if (SecretKey().IsMatch(value.Key))
        {
            return Marker;
        }

        var withoutPassword = ConnectionStringPassword().Replace(value.Value, Marker);
        return UrlPassword().Replace(withoutPassword, Marker);
    }

    /// <summary>Keys whose whole value is a secret: passwords, keys, tokens, and URLs (webhooks carry their token in the path).</summary>
    [GeneratedRegex("(password|passwd|pwd|secret|token|key|credentials?|passphrase|url|uri|webhook)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretKey();

    /// <summary>The password of a connection string (<c>Password=…;</c>) in any value.</summary>
    [GeneratedRegex(@"(?<=(^|;)\s*(password|pwd)\s*=\s*)[^;]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringPassword();

    /// <summary>The password of a URL's user information (<c>scheme://user:password@host</c>) in any value.</summary>
    [GeneratedRegex(@"(?<=://[^/@:\s]*:)[^@/\s]+(?=@)", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}

using System.Text.Json;

namespace O4O.Recovery.PointInTime;

/// <summary>One physical backup set in pgBackRest's repository.</summary>
/// <param name="Label">pgBackRest's label (<c>20261206-091058F</c>, <c>…_20261206-101500D</c>), which names it in a restore.</param>
/// <param name="Type"><c>full</c>, <c>diff</c> or <c>incr</c>.</param>
/// <param name="Started">When the backup started.</param>
/// <param name="Stopped">When it stopped: the earliest moment it can be restored to.</param>
/// <param name="StartLsn">The WAL position the backup started at (its checkpoint).</param>
/// <param name="StopLsn">The WAL position it stopped at: replay must reach it for the copy to be consistent.</param>
/// <param name="WalStart">The first WAL segment it needs.</param>
/// <param name="WalStop">The last WAL segment it needs.</param>
/// <param name="Size">The cluster's size it copied, in bytes.</param>
/// <param name="RepositorySize">What it takes in the repository (compressed), in bytes.</param>
/// <param name="Prior">The set it builds on (a differential's full, an incremental's previous set); null for a full.</param>
public sealed record PhysicalBackupSet(string Label, string Type, DateTimeOffset Started, DateTimeOffset Stopped, string StartLsn, string StopLsn,
    string WalStart, string WalStop, long Size, long RepositorySize, string? Prior);

/// <summary>What <c>pgbackrest info</c> says of the stanza: its backup sets (oldest first) and the archived WAL.</summary>
/// <param name="Backups">The backup sets, oldest first.</param>
/// <param name="OldestWal">The oldest archived WAL segment; null when none is archived.</param>
/// <param name="NewestWal">The newest archived WAL segment.</param>
/// <param name="Status">pgBackRest's status message for the stanza (<c>ok</c>, <c>no valid backups</c>, …).</param>
public sealed record RepositoryInfo(IReadOnlyList<PhysicalBackupSet> Backups, string? OldestWal, string? NewestWal, string Status)
{
    // pgBackRest's stanza status codes for a repository it could not read, and for one encrypted otherwise than configured.
    private const int UnreadableRepository = 99;
    private const int OtherCipher = 4;

    /// <summary>The earliest moment a point-in-time restore can reach: the oldest set's stop; null without a backup set.</summary>
    public DateTimeOffset? RecoverableSince => Backups.Count == 0 ? null : Backups.Min(set => set.Stopped);

    /// <summary>Reads <c>pgbackrest info --output=json</c> for one stanza.</summary>
    /// <exception cref="JsonException">The text is not pgBackRest's info document.</exception>
    /// <exception cref="PgBackRestException">pgBackRest could not read the repository; its reason.</exception>
    public static RepositoryInfo Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
        {
            throw new JsonException("pgbackrest info returned no stanza.");
        }

        var stanza = document.RootElement[0];
        var status = stanza.GetProperty("status");
        if (status.GetProperty("code").GetInt32() is UnreadableRepository or OtherCipher)
        {
            // pgBackRest reports a repository it could not read (a certificate it does not trust, a refused key, a wrong
            // passphrase) with exit code 0 and no backup sets: taken at its word, that is a bucket with nothing to restore.
            var reasons = stanza.TryGetProperty("repo", out var repositories)
                ? repositories.EnumerateArray().Select(repository => repository.GetProperty("status").GetProperty("message").GetString()).OfType<string>().ToList()
                : [];
            throw new PgBackRestException("info", reasons.Count > 0 ? string.Join("; ", reasons) : status.GetProperty("message").GetString() ?? "");
        }

        var backups = stanza.TryGetProperty("backup", out var sets)
            ? sets.EnumerateArray().Where(set => !set.GetProperty("error").GetBoolean()).Select(SetOf).OrderBy(set => set.Stopped).ToList()
            : [];
        // One range per database history (a new one after a major upgrade); segment names sort by position.
        var ranges = stanza.TryGetProperty("archive", out var archive) ? archive.EnumerateArray().ToList() : [];
        var oldest = ranges.Select(range => range.GetProperty("min").GetString()).Where(name => name is not null).Min(StringComparer.Ordinal);
        var newest = ranges.Select(range => range.GetProperty("max").GetString()).Where(name => name is not null).Max(StringComparer.Ordinal);
        return new RepositoryInfo(backups, oldest, newest, status.GetProperty("message").GetString() ?? "");
    }

    private static PhysicalBackupSet SetOf(JsonElement set)
    {
        var timestamp = set.GetProperty("timestamp");
        var lsn = set.GetProperty("lsn");
        var archive = set.GetProperty("archive");
        var info = set.GetProperty("info");
        return new PhysicalBackupSet(
            set.GetProperty("label").GetString()!,
            set.GetProperty("type").GetString()!,
            DateTimeOffset.FromUnixTimeSeconds(timestamp.GetProperty("start").GetInt64()),
            DateTimeOffset.FromUnixTimeSeconds(timestamp.GetProperty("stop").GetInt64()),
            lsn.GetProperty("start").GetString()!,
            lsn.GetProperty("stop").GetString()!,
            archive.GetProperty("start").GetString()!,
            archive.GetProperty("stop").GetString()!,
            info.GetProperty("size").GetInt64(),
            info.GetProperty("repository").GetProperty("size").GetInt64(),
            set.GetProperty("prior").ValueKind == JsonValueKind.String ? set.GetProperty("prior").GetString() : null);
    }
}

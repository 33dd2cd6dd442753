using System.Globalization;
using O4O.Recovery.Incidents;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.StateStore;

/// <summary>What Fixtures/state-before-migrations.db holds, as the release that wrote it read it back.</summary>
internal static class StateFixture
{
    /// <summary>The columns migration 0002 converted from round-trip text to Unix milliseconds.</summary>
    private static readonly Dictionary<string, string[]> _textTimes = new()
    {
        ["recovery_events"] = ["at"],
        ["settings"] = ["changed_at"],
        ["backup_archives"] = ["verified_at"],
        ["backup_restores"] = ["started_at", "finished_at"],
    };

    public static readonly Incident[] Incidents =
    [
        new(3, "database: connection refused", "auto-recovery", Ms(1795701891969), null, null, null, FailureType.ServerDown, "", "", "", ["database"]),
        new(2, "Orders page slow for Korean customers", "kim@example.com", Ms(1795701789969), null, Ms(1795701831969), "lee@example.com", null,
            "checkout failed for 4 minutes", "a full disk", "alert on disk usage; 한국어 메모", []),
        new(1, "platform: exit code 137", "auto-recovery", Ms(1795701600123), Ms(1795701609969), null, null, FailureType.ServerDown, "", "", "", ["platform"]),
    ];

    public static readonly TimelineEntry[] ManualTimeline =
    [
        new(Ms(1795701789969), "Opened", "", "Orders page slow for Korean customers", "kim@example.com"),
        new(Ms(1795701831969), "Acknowledged", "", "acknowledged by lee@example.com", "lee@example.com"),
        new(Ms(1795701831970), "Note", "", "checked nginx: 502s from upstream", "lee@example.com"),
        new(Ms(1795701894969), "Escalated", "escalation", "L1 (DevOps engineer) paged via ops; respond within 15 min", "escalation"),
        new(Ms(1795701894969), "Muted", "escalation", "repeats to L1 (DevOps engineer) muted: acknowledged by lee@example.com; escalation continues", "escalation"),
        new(Ms(1795701894969), "NotifyFailed", "notifications",
            "L1 page via ops failed: no channel named 'ops' is configured in Notifications:Channels; retrying with back-off", "notifications"),
        new(Ms(1795703094969), "Escalated", "escalation", "L2 (Development team lead) paged via ops; respond within 30 min", "escalation"),
        new(Ms(1795703094969), "Notified", "notifications", "L1 page delivered via ops after 2 attempts, queued for 20 min", "notifications"),
        new(Ms(1795703094969), "Notified", "notifications", "L2 page delivered via ops", "notifications"),
    ];

    public static readonly RecoveryEvent[] Events =
    [
        new(Stored("2026-11-26T14:00:00.1234567+00:00"), "platform", RecoveryEventKind.Detected, "exit code 137", "", "", FailureType.ServerDown),
        new(Stored("2026-11-26T14:00:02.4691356+00:00"), "platform", RecoveryEventKind.Action, "exit code 137", "restarted the platform", "restarted", FailureType.ServerDown),
        new(Stored("2026-11-26T14:00:09.9691356+00:00"), "platform", RecoveryEventKind.Recovered, "healthy"),
        new(Stored("2026-11-26T14:04:51.9691356+00:00"), "database", RecoveryEventKind.Detected, "connection refused", "", "", FailureType.ServerDown),
        new(Stored("2026-11-26T14:04:54.9691356+00:00"), "database", RecoveryEventKind.GaveUp, "crash loop", "stopped restarting", "waiting for a person", FailureType.ServerDown),
        new(Stored("2026-11-26T14:04:54.9691356+00:00"), "backup", RecoveryEventKind.Note, "scheduled backup", "backup created", "ok", null, "ops"),
        new(Stored("2026-11-26T14:24:54.9691356+00:00"), "dashboard", RecoveryEventKind.Note,
            "dashboard sign-in refused from 203.0.113.9 (3 times since 2026-11-26 14:24:54 UTC)", Actor: "unknown"),
    ];

    public static readonly SettingValue AutoRecoverySetting = new("off", "kim@example.com", Stored("2026-11-26T14:24:54.9691356+00:00"));

    public static readonly (string Name, long Size, string Sha256, DateTimeOffset CreatedAt, DateTimeOffset? VerifiedAt, bool? Verified, string? Message)[] Catalogue =
    [
        ("o4o_backup_20261125_140000.tar.gz", 22, "aa11", InManifest("2026-11-25T14:00:00.1234567+00:00"), Stored("2026-11-26T23:00:00.1234567+09:00"), true, null),
        ("o4o_backup_20261125_200000.tar.gz", 20, "bb22", InManifest("2026-11-25T20:00:00.1234567+00:00"), Stored("2026-11-26T14:01:00.1234567+00:00"), false,
            "row counts differ: orders 12 != 13"),
        ("o4o_backup_20261126_020000.tar.gz", 18, "eaee70076c94bdfb212353efa3365f8938392195d3abdfc76f97238e72fe42b5", InManifest("2026-11-26T02:00:00+00:00"),
            null, false, "o4o_backup_20261126_020000.tar.gz: the archive header is damaged or the archive is truncated "
            + "(The archive entry was compressed using an unsupported compression method.)"),
    ];

    public static IEqualityComparer<Incident> SameIncident { get; } = EqualityComparer<Incident>.Create(
        (a, b) => a!.Components.SequenceEqual(b!.Components) && a with { Components = [] } == b with { Components = [] }, _ => 0);

    public static (string Name, long Size, string Sha256, DateTimeOffset CreatedAt, DateTimeOffset? VerifiedAt, bool? Verified, string? Message) Key(
        CatalogueEntry entry) =>
        (entry.Name, entry.Size, entry.Sha256, entry.Manifest.CreatedAt, entry.VerifiedAt, entry.Verified, entry.VerifyMessage);

    /// <summary>The row <paramref name="table"/> holds after the upgrade for <paramref name="old"/>, the row it held before.</summary>
    public static IDictionary<string, object?> Upgraded(string table, IDictionary<string, object?> old)
    {
        var row = new Dictionary<string, object?>(old);
        foreach (var column in _textTimes.GetValueOrDefault(table, []))
        {
            row[column] = old[column] is string text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() : null;
        }

        if (table == "backup_archives")
        {
            row["mtime"] = new DateTimeOffset((long)old["mtime"]!, TimeSpan.Zero).ToUnixTimeMilliseconds();
        }

        return row;
    }

    private static DateTimeOffset Ms(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    /// <summary>A time inside an archive's manifest, JSON that no migration touches.</summary>
    private static DateTimeOffset InManifest(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>A time the old release stored as round-trip text, as it reads back since migration 0002: to the millisecond.</summary>
    private static DateTimeOffset Stored(string text) => Ms(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
}

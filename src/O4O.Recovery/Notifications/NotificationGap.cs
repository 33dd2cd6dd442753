using O4O.Recovery.Configuration;

namespace O4O.Recovery.Notifications;

/// <summary>
/// Why pages would reach nobody: no notification channel is configured at all, or the escalation matrix names channels
/// that <c>Notifications:Channels</c> does not configure (the default matrix pages <c>ops</c>, which nothing defines).
/// <c>o4o up</c> says so at start and the dashboard shows it, so nobody learns it from a page that never came.
/// </summary>
/// <param name="NoneConfigured">True when <c>Notifications:Channels</c> is empty.</param>
/// <param name="MissingChannels">The channels the matrix pages that are not configured, in the matrix's order.</param>
public sealed record NotificationGap(bool NoneConfigured, IReadOnlyList<string> MissingChannels)
{
    /// <summary>The gap between <paramref name="escalation"/> and <paramref name="notifications"/>, or null when every page has a channel.</summary>
    public static NotificationGap? Find(EscalationOptions escalation, NotificationOptions notifications)
    {
        var missing = escalation.Levels.SelectMany(level => level.Channels).Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(name => !notifications.Channels.ContainsKey(name)).ToList();
        var none = notifications.Channels.Count == 0;
        return none || missing.Count > 0 ? new NotificationGap(none, missing) : null;
    }
}

using O4O.Recovery.Configuration;

namespace O4O.Recovery.Notifications;

/// <summary>Makes the configured channels.</summary>
internal static class NotificationChannels
{
    /// <summary>The channels of <paramref name="options"/> by name.</summary>
    /// <exception cref="InvalidOperationException">A channel has an unknown type or lacks what its type needs.</exception>
    public static IReadOnlyDictionary<string, INotificationChannel> Create(NotificationOptions options, HttpClient client) =>
        options.Channels.ToDictionary(pair => pair.Key, pair => Create(pair.Key, pair.Value, client), StringComparer.OrdinalIgnoreCase);

    private static INotificationChannel Create(string name, ChannelOptions channel, HttpClient client) =>
        channel.Type.ToUpperInvariant() switch
        {
            "WEBHOOK" => new WebhookChannel(client, channel.Url ?? throw Missing(name, "Url"), slack: false),
            "SLACK" => new WebhookChannel(client, channel.Url ?? throw Missing(name, "Url"), slack: true),
            "EMAIL" => string.IsNullOrWhiteSpace(channel.Host) ? throw Missing(name, "Host")
                : channel.To.Count == 0 ? throw Missing(name, "To") : new EmailChannel(channel),
            "COMMAND" => string.IsNullOrWhiteSpace(channel.Command) ? throw Missing(name, "Command") : new CommandChannel(channel),
            _ => throw new InvalidOperationException(
                $"Notifications:Channels:{name}:Type is '{channel.Type}'; use webhook, slack, email or command."),
        };

    private static InvalidOperationException Missing(string name, string setting) =>
        new($"Notifications:Channels:{name}:{setting} must be set for a channel of this type.");
}

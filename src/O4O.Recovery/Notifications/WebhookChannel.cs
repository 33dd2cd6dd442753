using System.Net.Http.Json;
using System.Text;

namespace O4O.Recovery.Notifications;

/// <summary>Posts the notification as JSON; <paramref name="slack"/> posts Slack's <c>{"text": ...}</c> instead.</summary>
internal sealed class WebhookChannel(HttpClient client, Uri url, bool slack) : INotificationChannel
{
    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        using HttpContent content = slack
            ? JsonContent.Create(new { text = $"*{notification.Subject}*\n{notification.Text}" })
            : new StringContent(notification.ToJson(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(url, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Only the host: a webhook's path is often its secret (Slack's are), and this message is logged and shown.
            throw new DeliveryException($"{url.Host} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }
}

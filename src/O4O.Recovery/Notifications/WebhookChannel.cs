using System.Net.Http.Json;
using System.Text;

namespace O4O.Recovery.Notifications;

/// <summary>Posts the notification as JSON; <paramref name="slack"/> posts Slack's <c>{"text": ...}</c> instead.</summary>
public sealed class WebhookChannel(HttpClient client, Uri url, bool slack) : INotificationChannel
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
            throw new DeliveryException($"{url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }
}

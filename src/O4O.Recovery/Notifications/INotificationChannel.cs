namespace O4O.Recovery.Notifications;

/// <summary>A way to reach people: a webhook, Slack, e-mail, a command.</summary>
internal interface INotificationChannel
{
    /// <summary>Delivers <paramref name="notification"/>, or throws saying why it could not.</summary>
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}

/// <summary>A delivery failed for a reason worth showing as it is (a status code, a command's exit code).</summary>
internal sealed class DeliveryException(string message) : Exception(message);

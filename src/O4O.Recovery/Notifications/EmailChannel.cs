using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Notifications;

/// <summary>Sends the notification as a plain-text e-mail over SMTP (STARTTLS when the server offers it).</summary>
internal sealed class EmailChannel(ChannelOptions options) : INotificationChannel
{
    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (var recipient in options.To)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = notification.Subject;
        message.Body = new TextPart("plain") { Text = notification.Text };
        using var client = new SmtpClient();
        var security = options.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable;
        await client.ConnectAsync(options.Host ?? "localhost", options.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(options.Username))
        {
            await client.AuthenticateAsync(options.Username, options.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

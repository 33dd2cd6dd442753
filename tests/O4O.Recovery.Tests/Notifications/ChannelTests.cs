using System.Text.Json;
using O4O.Recovery.Configuration;
using O4O.Recovery.Notifications;

namespace O4O.Recovery.Tests.Notifications;

public sealed class ChannelTests
{
    private static readonly Notification _page = new("page", 7, "L1", "DevOps engineer", "[O4O] L1 DevOps engineer: incident #7 open for 0 s — platform: exit code 137",
        "Incident #7: platform: exit code 137\nRespond within 15 min.", new DateTimeOffset(2026, 11, 26, 14, 0, 0, TimeSpan.Zero), null, 0, 900);

    [Fact]
    public async Task A_webhook_receives_the_notification_as_JSON()
    {
        using var listener = new LocalHttpListener();
        using var client = new HttpClient();
        var channels = NotificationChannels.Create(Options(("ops", new ChannelOptions { Type = "webhook", Url = listener.Url })), client);

        await channels["ops"].SendAsync(_page, default);

        var (method, contentType, body) = Assert.Single(listener.Requests);
        Assert.Equal("POST", method);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        Assert.Equal(_page, Notification.FromJson(body));
    }

    [Fact]
    public async Task A_slack_webhook_receives_the_subject_and_text_as_its_text_field()
    {
        using var listener = new LocalHttpListener();
        using var client = new HttpClient();
        var channels = NotificationChannels.Create(Options(("chat", new ChannelOptions { Type = "slack", Url = listener.Url })), client);

        await channels["chat"].SendAsync(_page, default);

        using var json = JsonDocument.Parse(Assert.Single(listener.Requests).Body);
        var text = json.RootElement.GetProperty("text").GetString()!;
        Assert.StartsWith($"*{_page.Subject}*\n", text, StringComparison.Ordinal);
        Assert.EndsWith("Respond within 15 min.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_that_answers_500_is_a_failed_delivery_naming_the_status_but_not_the_secret_path()
    {
        using var listener = new LocalHttpListener { Status = System.Net.HttpStatusCode.InternalServerError };
        using var client = new HttpClient();
        var channel = new WebhookChannel(client, new Uri(listener.Url, "/services/T000/B000/s3cretToken"), slack: true);

        var failure = await Assert.ThrowsAsync<DeliveryException>(() => channel.SendAsync(_page, default));

        Assert.Equal("127.0.0.1 answered 500 Internal Server Error", failure.Message);
    }

    [Fact]
    public async Task An_email_arrives_at_the_SMTP_server_with_subject_and_recipients()
    {
        using var smtp = new LocalSmtpServer();
        var channel = new EmailChannel(new ChannelOptions
        {
            Type = "email",
            Host = "127.0.0.1",
            Port = smtp.Port,
            From = "o4o@example.com",
            To = ["oncall@example.com", "lead@example.com"],
        });

        await channel.SendAsync(_page, default);

        var (from, to, data) = Assert.Single(smtp.Messages);
        Assert.Equal("o4o@example.com", from);
        Assert.Equal(["oncall@example.com", "lead@example.com"], to);
        Assert.Contains("incident #7 open for 0 s", data, StringComparison.Ordinal);
        Assert.Contains("Respond within 15 min.", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_receives_the_notification_as_JSON_on_standard_input()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("o4o-command-").FullName, "received.json");
        var channel = new CommandChannel(new ChannelOptions { Type = "command", Command = "/bin/sh", Arguments = ["-c", "cat > \"$0\"", file] });

        await channel.SendAsync(_page, default);

        Assert.Equal(_page, Notification.FromJson(await File.ReadAllTextAsync(file)));
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Fact]
    public async Task A_command_that_fails_is_a_failed_delivery_with_its_exit_code_and_last_error_line()
    {
        var channel = new CommandChannel(new ChannelOptions { Type = "command", Command = "/bin/sh", Arguments = ["-c", "echo 'pager offline' >&2; exit 3"] });

        var failure = await Assert.ThrowsAsync<DeliveryException>(() => channel.SendAsync(_page, default));

        Assert.Equal("/bin/sh exited with code 3: pager offline", failure.Message);
    }

    [Fact]
    public void A_channel_missing_its_url_is_refused_naming_the_setting()
    {
        using var client = new HttpClient();

        var refused = Assert.Throws<InvalidOperationException>(() =>
            NotificationChannels.Create(Options(("ops", new ChannelOptions { Type = "webhook" })), client));

        Assert.Equal("Notifications:Channels:ops:Url must be set for a channel of this type.", refused.Message);
    }

    private static NotificationOptions Options(params (string Name, ChannelOptions Channel)[] channels)
    {
        var options = new NotificationOptions();
        foreach (var (name, channel) in channels)
        {
            options.Channels[name] = channel;
        }

        return options;
    }
}

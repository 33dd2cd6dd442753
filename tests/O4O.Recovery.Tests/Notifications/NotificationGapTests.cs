using Microsoft.Extensions.Configuration;
using O4O.Recovery.Configuration;
using O4O.Recovery.Notifications;

namespace O4O.Recovery.Tests.Notifications;

public sealed class NotificationGapTests
{
    private static readonly EscalationOptions _defaultMatrix = EscalationOptions.From(new ConfigurationBuilder().Build());

    [Fact]
    public void The_default_matrix_without_channels_pages_nobody_and_names_the_channel_to_add()
    {
        var gap = NotificationGap.Find(_defaultMatrix, new NotificationOptions());

        Assert.NotNull(gap);
        Assert.True(gap.NoneConfigured);
        Assert.Equal(["ops"], gap.MissingChannels);
    }

    [Fact]
    public void A_configured_channel_the_matrix_does_not_name_leaves_the_matrix_channel_missing()
    {
        var gap = NotificationGap.Find(_defaultMatrix, Channels("pager"));

        Assert.NotNull(gap);
        Assert.False(gap.NoneConfigured);
        Assert.Equal(["ops"], gap.MissingChannels);
    }

    [Fact]
    public void Every_channel_of_the_matrix_configured_is_no_gap() =>
        Assert.Null(NotificationGap.Find(_defaultMatrix, Channels("OPS")));

    private static NotificationOptions Channels(string name)
    {
        var options = new NotificationOptions();
        options.Channels[name] = new ChannelOptions { Type = "webhook", Url = new Uri("http://127.0.0.1:9/hook") };
        return options;
    }
}

using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Offsite;

namespace O4O.Cli.Commands;

/// <summary>
/// The <c>offsite-lock</c> row of <c>o4o status</c> where an off-site bucket is configured: whether its copies are immutable,
/// from the bucket's own Object Lock configuration (asked each time: it is the server's word, not what an upload once saw).
/// Not immutable is a warning, not an outage.
/// </summary>
internal static class StatusOffsite
{
    public const string Component = "offsite-lock";

    // Status must answer even when the bucket does not: one question, bounded.
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(5);

    /// <summary>The row; null without <c>Offsite:Endpoint</c>.</summary>
    public static async Task<ComponentStatus?> AssessAsync(CliContext context, CancellationToken cancellationToken)
    {
        var options = context.Bind<OffsiteOptions>(OffsiteOptions.Section);
        if (!options.Enabled)
        {
            return null;
        }

        var address = $"s3://{options.Bucket}/{options.NormalizedPrefix}";
        var (state, unknown) = await ObjectLock.TryReadAsync(context.Home, options, _timeout, cancellationToken);
        return state switch
        {
            ObjectLockState.Enabled => new ComponentStatus(Component, HealthState.Healthy, address, null, null, null)
            {
                Detail = Text.Format(Strings.StatusOffsiteImmutable, options.LockDays),
            },
            ObjectLockState.NotConfigured => new ComponentStatus(Component, HealthState.Degraded, address, null, null, Strings.StatusOffsiteNoLock),
            ObjectLockState.NotSupported => new ComponentStatus(Component, HealthState.Degraded, address, null, null, Strings.StatusOffsiteLockUnsupported),
            _ => new ComponentStatus(Component, HealthState.Degraded, address, null, null, Text.Format(Strings.StatusOffsiteLockUnread, unknown)),
        };
    }
}

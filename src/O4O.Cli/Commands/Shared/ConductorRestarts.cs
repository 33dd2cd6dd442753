using System.Net.Http.Json;
using System.Text.Json;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Control;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// What a command that works on the live server asks of a running conductor: a maintenance window while it works (or the
/// conductor would take the work's interruptions for failures and restart under it), a component's restart awaited, and
/// the platform's health after the database came back.
/// </summary>
internal static class ConductorRestarts
{
    private static readonly TimeSpan _reconnectWait = TimeSpan.FromSeconds(30);

    /// <summary>Begins a maintenance window for every component, unless one is open already: that one is a person's to end.</summary>
    public static async Task<bool> PauseAsync(CliContext context, string actor, CancellationToken cancellationToken)
    {
        using var control = new ControlClient(context.Home);
        try
        {
            if ((await control.StatusAsync(cancellationToken)).Paused.ContainsKey(RecoveryGate.AllComponents))
            {
                return false;
            }

            await control.MaintenanceAsync(on: true, actor, component: null, cancellationToken);
            return true;
        }
        catch (ConductorUnreachableException)
        {
            // No conductor: nothing restarts anything behind the swap's back.
            return false;
        }
    }

    /// <summary>Ends the maintenance window <see cref="PauseAsync"/> began.</summary>
    public static async Task ResumeAsync(CliContext context, string actor)
    {
        using var control = new ControlClient(context.Home);
        try
        {
            await control.MaintenanceAsync(on: false, actor, component: null, CancellationToken.None);
        }
        catch (ConductorUnreachableException)
        {
            // The conductor is gone, and its pause with it.
        }
    }

    /// <summary>
    /// Waits until the platform has checked its database since the swap and found it healthy: the swap ended its pooled
    /// connections, and the first failing check throws them away. A platform that is not listening has nothing to wait for.
    /// </summary>
    public static async Task WaitForPlatformAsync(CliContext context, DateTimeOffset swappedAt, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = VerifyCommand.BaseAddress(context), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = context.Time.GetUtcNow() + _reconnectWait;
        while (context.Time.GetUtcNow() < deadline)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("api/health", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode
                    && (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).TryGetProperty("checkedAt", out var checkedAt)
                    && checkedAt.ValueKind == JsonValueKind.String && checkedAt.TryGetDateTimeOffset(out var at) && at > swappedAt)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or JsonException)
            {
                // Not the platform's health answer, or no answer at all: phase 4 says what is wrong.
                return;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow answer while it reconnects: ask again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), context.Time, cancellationToken);
        }
    }

    /// <summary>
    /// Restarts the platform through the running conductor and waits until a new process runs: true when one does within
    /// <paramref name="wait"/>, false when not, null when no conductor runs.
    /// </summary>
    public static async Task<bool?> RestartPlatformAsync(CliContext context, string actor, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var control = new ControlClient(context.Home);
        try
        {
            return await control.RestartAndWaitAsync(Conductor.PlatformComponent, actor, wait, context.Time, cancellationToken);
        }
        catch (ConductorUnreachableException)
        {
            return null;
        }
    }
}

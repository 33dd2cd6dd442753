using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Notifications;

/// <summary>Runs a program with the notification as JSON on its standard input; exit code 0 means delivered.</summary>
internal sealed class CommandChannel(ChannelOptions options) : INotificationChannel
{
    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.Command ?? throw new DeliveryException("no Command is configured"), options.Arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new DeliveryException($"{options.Command} did not start");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await WriteInputAsync(process, notification, cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(output, error);
            if (process.ExitCode != 0)
            {
                var why = (await error).Trim().Split('\n').LastOrDefault() ?? "";
                throw new DeliveryException($"{options.Command} {ExitStatus.Describe(process.ExitCode)}: {why}");
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task WriteInputAsync(Process process, Notification notification, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.WriteAsync(notification.ToJson().AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command exited without reading its input (a broken pipe): its exit code says whether it delivered.
        }
    }
}

using System.Diagnostics;

namespace O4O.Recovery.Processes;

/// <summary>The outcome of a finished command: exit code and what it printed.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StandardOutput">Everything written to standard output.</param>
/// <param name="StandardError">Everything written to standard error.</param>
internal sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The last non-empty line of standard error (else standard output): the line that usually says why.</summary>
    public string LastErrorLine => LastLine(StandardError) ?? LastLine(StandardOutput) ?? ExitStatus.Describe(ExitCode);

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}

/// <summary>Runs a short-lived command to completion and captures its output.</summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="start"/> and waits for it; cancelling kills the command.</summary>
    public static async Task<CommandResult> RunAsync(ProcessStartInfo start, CancellationToken cancellationToken = default)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }
}

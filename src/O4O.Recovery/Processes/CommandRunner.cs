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
    public static Task<CommandResult> RunAsync(ProcessStartInfo start, CancellationToken cancellationToken = default) =>
        RunAsync(start, (output, cancel) => output.ReadToEndAsync(cancel), cancellationToken);

    /// <summary>
    /// Runs <paramref name="start"/>, handing each line of its standard output to <paramref name="line"/> as it comes,
    /// for output too large to hold (the result's standard output is empty); cancelling, or <paramref name="line"/>
    /// throwing, kills the command.
    /// </summary>
    public static Task<CommandResult> StreamAsync(ProcessStartInfo start, Action<string> line, CancellationToken cancellationToken = default) =>
        RunAsync(start, async (output, cancel) =>
        {
            UnixProcess.EnlargePipe(output.BaseStream, 1 << 20);
            while (await output.ReadLineAsync(cancel) is { } text)
            {
                line(text);
            }

            return "";
        }, cancellationToken);

    private static async Task<CommandResult> RunAsync(ProcessStartInfo start, Func<StreamReader, CancellationToken, Task<string>> readOutput,
        CancellationToken cancellationToken)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} could not be started.");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            var output = await readOutput(process.StandardOutput, cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return new CommandResult(process.ExitCode, output, await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }
}

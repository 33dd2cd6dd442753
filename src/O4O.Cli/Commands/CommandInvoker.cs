using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary>Runs the parsed command; whatever escapes it becomes one clear line on stderr and a named exit code.</summary>
internal static class CommandInvoker
{
    public static async Task<int> InvokeAsync(ParseResult parsed, CliContext context)
    {
        var configuration = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            Output = context.Out,
            Error = context.Error,
        };
        if (parsed.CommandResult.Command is SignalOwningCommand)
        {
            configuration.ProcessTerminationTimeout = null;
        }

        try
        {
            return await parsed.InvokeAsync(configuration);
        }
        catch (Exception exception)
        {
            var (message, exitCode) = Failures.Describe(exception);
            await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine, OneLine(message)));
            return exitCode;
        }
    }

    /// <summary>A message on one line: a PostgreSQL error's message, for one, spans several.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

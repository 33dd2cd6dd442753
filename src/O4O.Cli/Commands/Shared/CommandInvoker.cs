using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary>
/// Runs the parsed command; whatever escapes it becomes one clear line on stderr and a named exit code. A command line
/// that does not parse is a line per error naming the help to read, and exit code 2 (not a help page and exit 1).
/// </summary>
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

        if (parsed.Action is ParseErrorAction)
        {
            foreach (var error in parsed.Errors)
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine,
                    Text.Format(Strings.ErrorCommandLine, OneLine(error.Message), CommandPath(parsed.CommandResult))));
            }

            return ExitCodes.UsageError;
        }

        if (parsed.Action is HelpAction)
        {
            using var help = new StringWriter();
            configuration.Output = help;
            var exitCode = await parsed.InvokeAsync(configuration);
            await context.Out.WriteAsync(LocalisedHelp.Translate(help.ToString()));
            return exitCode;
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

    // "backup verify " for o4o backup verify: where to ask for --help.
    private static string CommandPath(CommandResult command) =>
        command.Parent is CommandResult parent ? CommandPath(parent) + command.Command.Name + " " : "";

    /// <summary>A message on one line: a PostgreSQL error's message, for one, spans several.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

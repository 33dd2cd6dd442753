using O4O.Cli.Resources;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary>
/// What commands write beyond plain lines: errors in the one format every command uses, tables, questions and progress
/// bars. Colours, bars and questions only where the writer is the process's terminal; piped output stays plain and wide.
/// </summary>
internal static class CliConsole
{
    /// <summary>A one-line error on stderr, as <see cref="CommandInvoker"/> writes a failure: <c>o4o: message</c>.</summary>
    public static Task FailAsync(CliContext context, string message) =>
        context.Error.WriteLineAsync(Resources.Text.Format(Strings.ErrorLine, CommandInvoker.OneLine(message)));

    /// <summary>Data (tables) on stdout.</summary>
    public static IAnsiConsole Output(CliContext context) => Create(context.Out, OutIsTerminal(context));

    /// <summary>True when stdout is the process's terminal: colours, and a screen to clear.</summary>
    public static bool OutIsTerminal(CliContext context) => context.Out == Console.Out && !Console.IsOutputRedirected;

    /// <summary>Asks a yes/no question on stderr; no is the default.</summary>
    public static bool Confirm(CliContext context, string question) => Create(context.Error, ErrorIsTerminal(context)).Confirm(question, defaultValue: false);

    /// <summary>Runs <paramref name="work"/> under a byte-count progress bar when stderr is a terminal.</summary>
    public static async Task<T> WithProgressAsync<T>(CliContext context, string description, Func<IProgress<long>?, Task<T>> work)
    {
        if (!ErrorIsTerminal(context))
        {
            return await work(null);
        }

        return await Create(context.Error, terminal: true).Progress()
            .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(description));
                task.IsIndeterminate = true;
                task.MaxValue = double.MaxValue;
                return await work(new Progress<long>(bytes => task.Value = bytes));
            });
    }

    private static bool ErrorIsTerminal(CliContext context) => context.Error == Console.Error && !Console.IsErrorRedirected;

    private static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal)
        {
            // Logs and scripts read whole lines: no wrapping at a guessed terminal width.
            console.Profile.Width = 1000;
        }

        return console;
    }
}

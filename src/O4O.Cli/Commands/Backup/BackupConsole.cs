using O4O.Recovery.Backups;
using O4O.Recovery.Postgres;
using O4O.Recovery.Restore;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary>Output for backup and restore commands: data on stdout, human text and progress on stderr.</summary>
internal static class BackupConsole
{
    /// <summary>Human text and progress on stderr; plain when stderr is not a terminal.</summary>
    public static readonly IAnsiConsole Error = Create(Console.Error, Console.IsErrorRedirected);

    /// <summary>Data (tables) on stdout; plain and wide when piped, so scripts can read it.</summary>
    public static IAnsiConsole Output() => Create(Console.Out, Console.IsOutputRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected)
        {
            // Logs and scripts read whole lines: no wrapping at a guessed terminal width.
            console.Profile.Width = 1000;
        }

        return console;
    }

    /// <summary>Runs a command body and turns the engine's known failures into one line and an exit code.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            Fail(Resources.Strings.Interrupted);
            return ExitCodes.Interrupted;
        }
        catch (BackupCorruptException exception)
        {
            Fail(exception.Message);
            return ExitCodes.BackupCorrupt;
        }
        catch (Exception exception) when (exception is DatabaseUnavailableException or PostgresNotInstalledException)
        {
            Fail(exception.Message);
            return ExitCodes.EnvironmentError;
        }
        catch (Exception exception) when (exception is BackupFailedException or LockHeldException or RestoreRefusedException or RestoreFailedException)
        {
            Fail(exception.Message);
            return ExitCodes.Failure;
        }
    }

    /// <summary>Writes a one-line error to stderr.</summary>
    public static void Fail(string message) => Error.MarkupLine($"[red]{Markup.Escape(message)}[/]");

    /// <summary>Formats a resource string in the user's culture (resources differ per culture, so no cached format).</summary>
    public static string Format(string format, params object?[] arguments) =>
        string.Format(System.Globalization.CultureInfo.CurrentCulture, format, arguments);

    /// <summary>Writes a one-line note to stderr.</summary>
    public static void Note(string message) => Error.MarkupLine(Markup.Escape(message));

    /// <summary>Runs <paramref name="work"/> under a byte-count progress bar when stderr is a terminal.</summary>
    public static async Task<T> WithProgressAsync<T>(string description, Func<IProgress<long>?, Task<T>> work)
    {
        if (Console.IsErrorRedirected)
        {
            return await work(null);
        }

        return await Error.Progress()
            .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description));
                task.IsIndeterminate = true;
                task.MaxValue = double.MaxValue;
                return await work(new Progress<long>(bytes => task.Value = bytes));
            });
    }
}

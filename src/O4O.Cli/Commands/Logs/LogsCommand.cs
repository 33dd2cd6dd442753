using System.CommandLine;
using System.Text;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;

namespace O4O.Cli.Commands;

/// <summary><c>o4o logs COMPONENT [-f] [-n N]</c>: the last lines of a component's log, optionally following it.</summary>
internal static class LogsCommand
{
    private static readonly TimeSpan _followInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create(CliContext context)
    {
        var component = new Argument<string>("component") { Description = Strings.LogsComponentArgument };
        var follow = new Option<bool>("--follow", "-f") { Description = Strings.LogsFollowOption };
        var lines = new Option<int>("--lines", "-n") { Description = Strings.LogsLinesOption, DefaultValueFactory = _ => 50 };
        lines.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError(Text.Format(Strings.LogsLinesNegative, result.GetValueOrDefault<int>()));
            }
        });
        var command = new Command("logs", Strings.LogsDescription);
        command.Arguments.Add(component);
        command.Options.Add(follow);
        command.Options.Add(lines);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var name = result.GetValue(component)!;
            if (LogFile(context.Home, name) is not { } path)
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.LogsUnknownComponent, name));
                return ExitCodes.UsageError;
            }

            if (!File.Exists(path))
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.LogsNoFile, name, path));
                return ExitCodes.Failure;
            }

            var position = await WriteTailAsync(context.Out, path, result.GetValue(lines), cancellationToken);
            if (result.GetValue(follow))
            {
                await FollowAsync(context.Out, path, position, cancellationToken);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The log of <paramref name="component"/>; null for a name that is no component.</summary>
    public static string? LogFile(O4OHome home, string component) => component.ToLowerInvariant() switch
    {
        "platform" => Path.Combine(home.Logs, "app.log"),
        "conductor" => Path.Combine(home.Logs, "conductor.log"),
        "nginx" => Path.Combine(home.Logs, "nginx-error.log"),
        // The server names its files by weekday (postgresql-Mon.log): today's is the one written last.
        "database" => new DirectoryInfo(Path.Combine(home.PostgresData, "log")) is { Exists: true } directory
            ? directory.EnumerateFiles("postgresql-*.log").OrderByDescending(file => file.LastWriteTimeUtc).FirstOrDefault()?.FullName
                ?? Path.Combine(directory.FullName, "postgresql-*.log")
            : Path.Combine(home.PostgresData, "log", "postgresql-*.log"),
        _ => null,
    };

    private static async Task<long> WriteTailAsync(TextWriter output, string path, int count, CancellationToken cancellationToken)
    {
        await using var stream = Open(path);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var tail = new Queue<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            tail.Enqueue(line);
            if (tail.Count > count)
            {
                tail.Dequeue();
            }
        }

        foreach (var line in tail)
        {
            await output.WriteLineAsync(line);
        }

        await output.FlushAsync(cancellationToken);
        return stream.Length;
    }

    // Polls rather than watches: inotify does not follow app.log's link to the next day's file; reopening does.
    private static async Task FollowAsync(TextWriter output, string path, long position, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_followInterval, cancellationToken);
                await using var stream = Open(path);
                position = stream.Length < position ? 0 : position;
                stream.Seek(position, SeekOrigin.Begin);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                await output.WriteAsync(await reader.ReadToEndAsync(cancellationToken));
                await output.FlushAsync(cancellationToken);
                position = stream.Length;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends following: not an error.
        }
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
}

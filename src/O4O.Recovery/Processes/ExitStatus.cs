using System.Globalization;

namespace O4O.Recovery.Processes;

/// <summary>
/// How a process ended, as people read it. .NET 10 reports a process ended by a signal as exit code 128 + the signal's
/// number, as shells do: 137 is SIGKILL (the OOM killer or a kill -9), not a program that chose to exit with 137. Only
/// the signals that end processes in practice are read that way: other codes above 128 are also what programs exit
/// with themselves (the dotnet host's errors are 0x81 to 0xA5, 131 for a file that is not an assembly), and .NET 10
/// cannot tell the two apart.
/// </summary>
public static class ExitStatus
{
    private static readonly Dictionary<int, string> _names = new()
    {
        [2] = "SIGINT",
        [6] = "SIGABRT",
        [9] = "SIGKILL",
        [11] = "SIGSEGV",
        [15] = "SIGTERM",
    };

    /// <summary>The signal that ended the process (SIGINT, SIGABRT, SIGKILL, SIGSEGV, SIGTERM), or null when it exited by itself.</summary>
    public static int? Signal(int exitCode) => exitCode > 128 && _names.ContainsKey(exitCode - 128) ? exitCode - 128 : null;

    /// <summary>"9 (SIGKILL)".</summary>
    public static string SignalText(int signal) => string.Create(CultureInfo.InvariantCulture, $"{signal} ({_names[signal]})");

    /// <summary>"killed by signal 9 (SIGKILL)", or "exited with code 1".</summary>
    public static string Describe(int exitCode) => Signal(exitCode) is { } signal
        ? $"killed by signal {SignalText(signal)}"
        : string.Create(CultureInfo.InvariantCulture, $"exited with code {exitCode}");
}

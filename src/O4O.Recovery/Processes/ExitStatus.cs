using System.Globalization;

namespace O4O.Recovery.Processes;

/// <summary>
/// How a process ended, as people read it. .NET 10 reports a process ended by a signal as exit code 128 + the signal's
/// number, as shells do: 137 is SIGKILL (the OOM killer or a kill -9), not a program that chose to exit with 137.
/// </summary>
public static class ExitStatus
{
    private static readonly Dictionary<int, string> _names = new()
    {
        [1] = "SIGHUP",
        [2] = "SIGINT",
        [3] = "SIGQUIT",
        [4] = "SIGILL",
        [5] = "SIGTRAP",
        [6] = "SIGABRT",
        [7] = "SIGBUS",
        [8] = "SIGFPE",
        [9] = "SIGKILL",
        [10] = "SIGUSR1",
        [11] = "SIGSEGV",
        [12] = "SIGUSR2",
        [13] = "SIGPIPE",
        [14] = "SIGALRM",
        [15] = "SIGTERM",
        [24] = "SIGXCPU",
        [25] = "SIGXFSZ",
    };

    /// <summary>The signal that ended the process (exit codes 129 to 192), or null when it exited by itself.</summary>
    public static int? Signal(int exitCode) => exitCode is > 128 and <= 128 + 64 ? exitCode - 128 : null;

    /// <summary>"9 (SIGKILL)"; the number alone for a signal without a common name.</summary>
    public static string SignalText(int signal) => _names.TryGetValue(signal, out var name)
        ? string.Create(CultureInfo.InvariantCulture, $"{signal} ({name})")
        : signal.ToString(CultureInfo.InvariantCulture);

    /// <summary>"killed by signal 9 (SIGKILL)", or "exited with code 1".</summary>
    public static string Describe(int exitCode) => Signal(exitCode) is { } signal
        ? $"killed by signal {SignalText(signal)}"
        : string.Create(CultureInfo.InvariantCulture, $"exited with code {exitCode}");
}

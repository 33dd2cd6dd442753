using System.Diagnostics;

namespace O4O.Tests.Shared;

/// <summary>A command run on a pseudo-terminal (util-linux <c>script</c>), as a person at a terminal would run it.</summary>
public static class Terminal
{
    /// <summary>
    /// <paramref name="command"/> on a terminal, typing <paramref name="typed"/>. The terminal's output (stdout and stderr
    /// together) is the process's standard output.
    /// </summary>
    public static ProcessStartInfo Typing(string typed, IEnumerable<string> command)
    {
        static string Quoted(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        var start = new ProcessStartInfo("/bin/sh",
            ["-c", "printf '%s' \"$0\" | script --quiet --flush --return --command \"$1\" /dev/null", typed, string.Join(' ', command.Select(Quoted))]);
        start.Environment["TERM"] = "xterm";
        return start;
    }
}

using System.Diagnostics;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Postgres;

/// <summary>
/// The unprivileged user PostgreSQL runs as, and everything that works on its files with it (pgBackRest): as root,
/// <c>postgres</c>; otherwise the current user. PostgreSQL refuses to run as root.
/// </summary>
internal static class ServiceUser
{
    /// <summary>The account's name when running as root.</summary>
    public const string Name = "postgres";

    /// <summary>A start for <paramref name="program"/> as the service user (through <c>setpriv</c> as root).</summary>
    public static ProcessStartInfo Start(string program, params IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo { UseShellExecute = false };
        if (UnixProcess.IsRoot)
        {
            // setpriv changes user and then execs: the program stays our direct child.
            start.FileName = "setpriv";
            foreach (var argument in new[] { $"--reuid={Name}", $"--regid={Name}", "--init-groups", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = program;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Hands <paramref name="path"/> (recursively) to the service user; nothing when not root.</summary>
    /// <exception cref="ClusterStartException">chown failed.</exception>
    public static async Task GiveAsync(string path, CancellationToken cancellationToken)
    {
        if (!UnixProcess.IsRoot)
        {
            return;
        }

        var result = await CommandRunner.RunAsync(new ProcessStartInfo("chown", ["-R", $"{Name}:{Name}", path]), cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new ClusterStartException($"Cannot hand {path} to the '{Name}' user (PostgreSQL refuses to run as root): {result.LastErrorLine}");
        }
    }
}

using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Recovery.Containment;

/// <summary>Who isolated the shop, and when.</summary>
/// <param name="By">Who switched it on.</param>
/// <param name="At">When.</param>
public sealed record IsolationState(string By, DateTimeOffset At);

/// <summary>
/// <c>o4o isolate on|off</c>, the runbook's containment after ransomware: while the flag file <c>$O4O_HOME/isolated</c>
/// exists, nginx answers every request with the maintenance page instead of proxying (it looks for the file on each
/// request, so neither a reload nor a conductor is needed), and the conductor makes no scheduled backup or upload that
/// could put encrypted data over a clean copy. A file rather than a row in <c>state.db</c>: nginx reads it too, and it
/// outlives a damaged or replaced state database.
/// </summary>
public static class Isolation
{
    /// <summary>The flag file nginx and the conductor look for.</summary>
    public static string FlagFile(O4OHome home) => Path.Combine(home.Root, "isolated");

    /// <summary>True while the shop is isolated: scheduled backups and uploads must not run.</summary>
    public static bool IsOn(O4OHome home) => File.Exists(FlagFile(home));

    /// <summary>Who isolated the shop and when; null when it is not isolated.</summary>
    public static IsolationState? Read(O4OHome home)
    {
        try
        {
            var lines = File.ReadAllLines(FlagFile(home));
            var at = lines.Length > 1 && DateTimeOffset.TryParse(lines[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : File.GetLastWriteTimeUtc(FlagFile(home));
            return new IsolationState(lines.Length > 0 ? lines[0] : "", at);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Isolates the shop (written atomically, 0600); false when it already was.</summary>
    public static bool TurnOn(O4OHome home, string by, DateTimeOffset at)
    {
        var text = $"{by}\n{at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}\n";
        return AtomicFile.TryCreate(FlagFile(home), System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Ends the isolation; false when the shop was not isolated.</summary>
    public static bool TurnOff(O4OHome home)
    {
        if (!IsOn(home))
        {
            return false;
        }

        File.Delete(FlagFile(home));
        AtomicFile.FlushDirectory(home.Root);
        return true;
    }
}

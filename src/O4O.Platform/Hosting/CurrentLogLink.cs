using System.Globalization;
using System.Text;
using O4O.Recovery.IO;
using Serilog.Sinks.File;

namespace O4O.Platform.Hosting;

/// <summary>
/// Keeps a fixed name (<c>app.log</c>) pointing at today's rolled file (<c>app-20260101.log</c>), so
/// <c>tail -F logs/error.log</c> from the runbook keeps working across days.
/// </summary>
internal sealed class CurrentLogLink(string linkName) : FileLifecycleHooks
{
    public override Stream OnFileOpened(string path, Stream underlyingStream, Encoding encoding)
    {
        Point(Path.GetDirectoryName(path)!, linkName, Path.GetFileName(path));
        return underlyingStream;
    }

    /// <summary>
    /// Creates today's <c>{prefix}-yyyyMMdd.log</c> (the name the daily rolling sink will append to) and
    /// <c>{prefix}.log</c> pointing at it, unless the link exists already.
    /// </summary>
    public static void EnsureToday(string directory, string prefix)
    {
        var link = $"{prefix}.log";
        if (File.Exists(Path.Combine(directory, link)))
        {
            return;
        }

        // The sink names files by local date.
        var today = $"{prefix}-{DateTime.Now.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.log";
        using (new FileStream(Path.Combine(directory, today), new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, UnixCreateMode = PrivateFiles.FileMode }))
        {
        }

        Point(directory, link, today);
    }

    private static void Point(string directory, string linkName, string target)
    {
        var temporary = Path.Combine(directory, $".{linkName}.{Guid.NewGuid():N}.tmp");
        File.CreateSymbolicLink(temporary, target);
        // rename(2) swaps the link in one step: a reader never finds the name missing.
        File.Move(temporary, Path.Combine(directory, linkName), overwrite: true);
    }
}

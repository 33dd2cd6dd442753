using System.Text;
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
        var directory = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(directory, $".{linkName}.{Guid.NewGuid():N}.tmp");
        File.CreateSymbolicLink(temporary, Path.GetFileName(path));
        // rename(2) swaps the link in one step: a reader never finds the name missing.
        File.Move(temporary, Path.Combine(directory, linkName), overwrite: true);
        return underlyingStream;
    }
}

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Why pgBackRest's asynchronous <c>archive-push</c> could not archive a segment. PostgreSQL records only the failing
/// segment and the exit code; the reason (a repository it may not write, a full disk, …) is in the status file the
/// asynchronous process leaves in its spool, <c>archive/STANZA/out/SEGMENT.error</c> (or <c>global.error</c> when it failed
/// before reaching any segment): the error code on the first line, the message on the next.
/// </summary>
internal static class ArchivePushError
{
    /// <summary>
    /// The error for <paramref name="segment"/> as <c>[code] message</c> on one line, else the global one; null when there is none
    /// or the spool cannot be read (another user's <c>o4o status</c>).
    /// </summary>
    public static string? Read(PgBackRestLayout layout, string? segment)
    {
        var queue = Path.Combine(layout.Spool, "archive", PgBackRest.Stanza, "out");
        string[] candidates = [.. segment is null ? Array.Empty<string>() : [$"{segment}.error"], "global.error"];
        foreach (var file in candidates.Select(name => Path.Combine(queue, name)))
        {
            try
            {
                return Message(File.ReadAllLines(file));
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                // Not this one.
            }
        }

        return null;
    }

    /// <summary>
    /// Long enough for pgBackRest's asynchronous process to start and fail the segment again, even on a loaded machine.
    /// </summary>
    internal static readonly TimeSpan RetryGap = TimeSpan.FromSeconds(3);

    /// <summary>
    /// As <see cref="Read"/>, waiting up to <see cref="RetryGap"/> while a readable spool holds no error: each time
    /// PostgreSQL retries the segment, pgBackRest deletes its error file before the new attempt fails and writes it again.
    /// </summary>
    public static async Task<string?> ReadAsync(PgBackRestLayout layout, string? segment, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RetryGap;
        while (true)
        {
            var error = Read(layout, segment);
            if (error is not null || DateTime.UtcNow >= deadline || !CanRead(layout))
            {
                return error;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private static bool CanRead(PgBackRestLayout layout)
    {
        try
        {
            _ = Directory.EnumerateFileSystemEntries(Path.Combine(layout.Spool, "archive", PgBackRest.Stanza, "out")).Any();
            return true;
        }
        catch (Exception exception) when (exception is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static string? Message(string[] lines)
    {
        var message = lines.Skip(1).Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
        if (lines.Length == 0 || message.Count == 0)
        {
            return null;
        }

        // pgBackRest lists one line per repository that refused the segment ("repo1: [FileOpenError] unable to open file
        // '…' for write: [13] Permission denied"): those say why; the lines around them say only that a subprocess failed.
        var repositories = message.Where(line => line.StartsWith("repo", StringComparison.Ordinal)).ToList();
        return $"[{lines[0].Trim()}] {string.Join(' ', repositories.Count > 0 ? repositories : message)}";
    }
}

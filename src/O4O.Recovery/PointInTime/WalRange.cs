namespace O4O.Recovery.PointInTime;

/// <summary>The WAL to read: a directory of segment files, a timeline, and the positions to read from and up to.</summary>
/// <param name="Directory">Plain, uncompressed segment files, as <c>pg_waldump -p</c> reads them.</param>
/// <param name="Timeline">The timeline whose segments are read.</param>
/// <param name="Start">The first position read (pg_waldump starts at the first record beginning there or after).</param>
/// <param name="End">The position reading stops before.</param>
internal sealed record WalRange(string Directory, uint Timeline, Lsn Start, Lsn End)
{
    /// <summary>
    /// From <paramref name="start"/> to the end of the unbroken run of segments that holds it (or <paramref name="until"/>
    /// when that comes first). Older segments in the directory are not read; a gap ends the run, because nothing after
    /// a missing segment can be replayed either.
    /// </summary>
    /// <exception cref="WalDumpException">The directory has no segment holding <paramref name="start"/> on that timeline.</exception>
    public static WalRange Of(string directory, uint timeline, Lsn start, Lsn? until = null)
    {
        var segments = System.IO.Directory.EnumerateFiles(directory)
            .Select(path => WalSegment.TryParse(Path.GetFileName(path), out var onTimeline, out var segmentStart) && onTimeline == timeline
                ? segmentStart.Value / WalSegment.Size
                : (ulong?)null)
            .OfType<ulong>()
            .ToHashSet();
        var first = start.Value / WalSegment.Size;
        if (!segments.Contains(first))
        {
            throw new WalDumpException($"{directory} has no WAL segment {WalSegment.Name(timeline, start)} holding {start}.");
        }

        var last = first;
        while (segments.Contains(last + 1))
        {
            last++;
        }

        var end = new Lsn((last + 1) * WalSegment.Size);
        return new WalRange(directory, timeline, start, until is { } limit && limit < end ? limit : end);
    }
}

/// <summary>The WAL could not be read: a segment is missing, or pg_waldump failed other than by reaching the end.</summary>
public sealed class WalDumpException(string message) : Exception(message);

using System.Globalization;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// WAL segment files as PostgreSQL names them with its default 16 MB segments: <c>TTTTTTTTXXXXXXXXYYYYYYYY</c>, the
/// timeline, then the segment number split into the high 32 bits of the LSN and the segment within them.
/// </summary>
internal static class WalSegment
{
    /// <summary>The size of one segment: PostgreSQL's default, which the managed cluster keeps.</summary>
    public const ulong Size = 16 * 1024 * 1024;

    private const ulong SegmentsPerHigh = 0x1_0000_0000 / Size;

    /// <summary>The name of the segment on <paramref name="timeline"/> that holds <paramref name="lsn"/>.</summary>
    public static string Name(uint timeline, Lsn lsn) => NameOf(timeline, lsn.Value / Size);

    /// <summary>
    /// The names of the segments on <paramref name="timeline"/> holding every position from <paramref name="from"/>
    /// to <paramref name="to"/>, both included, in order: what <c>pgbackrest archive-get</c> must fetch for that range.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    public static IReadOnlyList<string> Covering(uint timeline, Lsn from, Lsn to)
    {
        if (to < from)
        {
            throw new ArgumentException($"The range {from} to {to} ends before it starts.", nameof(to));
        }

        var names = new List<string>();
        for (var segment = from.Value / Size; segment <= to.Value / Size; segment++)
        {
            names.Add(NameOf(timeline, segment));
        }

        return names;
    }

    /// <summary>Reads a segment file name; false for anything else (<c>.history</c>, <c>.partial</c>, <c>.backup</c> files).</summary>
    public static bool TryParse(string name, out uint timeline, out Lsn start)
    {
        (timeline, start) = (0, default);
        if (name.Length != 24
            || !uint.TryParse(name.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out timeline)
            || !uint.TryParse(name.AsSpan(8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !uint.TryParse(name.AsSpan(16, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low)
            || low >= SegmentsPerHigh)
        {
            return false;
        }

        start = new Lsn((high * SegmentsPerHigh + low) * Size);
        return true;
    }

    /// <summary>The timeline in a segment's name, as <c>pg_walfile_name()</c> gives it: the one the server writes WAL on.</summary>
    /// <exception cref="FormatException"><paramref name="name"/> is no segment's name.</exception>
    public static uint TimelineOf(string name) => TryParse(name, out var timeline, out _) ? timeline : throw new FormatException($"{name} is not a WAL segment's name.");

    private static string NameOf(uint timeline, ulong segment) =>
        string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}{segment / SegmentsPerHigh:X8}{segment % SegmentsPerHigh:X8}");
}

using O4O.Recovery.Backups;
using O4O.Recovery.State;

namespace O4O.Recovery.Offsite;

/// <summary>Where an archive is: in the backup directory, in the bucket (a complete, checked copy), or both.</summary>
public enum ArchiveLocation
{
    /// <summary>Only in the backup directory.</summary>
    Local,

    /// <summary>Only in the bucket.</summary>
    Offsite,

    /// <summary>In both.</summary>
    Both,
}

/// <summary>How far the off-site copies trail the local archives.</summary>
/// <param name="Pending">How many local archives have no complete off-site copy.</param>
/// <param name="OldestPending">The oldest of them; null when every archive is off-site.</param>
/// <param name="Age">Its age: how old the oldest archive that could be lost with the machine is.</param>
public sealed record OffsiteLagInfo(int Pending, string? OldestPending, TimeSpan? Age);

/// <summary>The archives that are not off-site yet, and the lag they make.</summary>
public static class OffsiteLag
{
    /// <summary>The archives in <paramref name="directory"/> that have no complete off-site copy, oldest first.</summary>
    public static IReadOnlyList<string> Pending(string directory, OffsiteCopies copies)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var complete = copies.All().Where(copy => copy.Complete).Select(copy => copy.Name).ToHashSet(StringComparer.Ordinal);
        return ArchiveName.ListArchives(directory).Select(Path.GetFileName).OfType<string>().Where(name => !complete.Contains(name)).ToList();
    }

    /// <summary>The lag of <paramref name="directory"/>'s archives at <paramref name="now"/>.</summary>
    public static OffsiteLagInfo Of(string directory, OffsiteCopies copies, DateTimeOffset now)
    {
        var pending = Pending(directory, copies);
        if (pending is not [var oldest, ..])
        {
            return new OffsiteLagInfo(0, null, null);
        }

        return new OffsiteLagInfo(pending.Count, oldest, ArchiveName.TryParseTime(oldest, out var made) ? now - made : null);
    }
}

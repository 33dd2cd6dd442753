using System.Formats.Tar;
using System.IO.Compression;
using O4O.Recovery.IO;

namespace O4O.Recovery.Backups;

/// <summary>An archive opened at one member's data; disposing it closes the file.</summary>
internal sealed class OpenMember(Stream data, params IAsyncDisposable[] owners) : IAsyncDisposable
{
    public Stream Data => data;

    public async ValueTask DisposeAsync()
    {
        foreach (var owner in owners)
        {
            await owner.DisposeAsync();
        }
    }
}

/// <summary>
/// Reads archives written by <see cref="BackupCreator"/>, turning every way an archive can be damaged
/// (truncated, tampered, foreign) into a <see cref="BackupCorruptException"/> that names the member at fault.
/// </summary>
internal static class ArchiveReader
{
    /// <summary>Reads the manifest, the archive's first member.</summary>
    /// <exception cref="BackupCorruptException">Not an O4O archive, or unreadable.</exception>
    public static async Task<BackupManifest> ReadManifestAsync(string archive, CancellationToken cancellationToken)
    {
        await using var reader = Open(archive, out var dispose);
        await using var _ = dispose;
        var entry = await NextAsync(reader, archive, "the archive header", cancellationToken);
        if (entry?.Name != ArchiveName.ManifestMember || entry.DataStream is null)
        {
            throw new BackupCorruptException(archive, $"not an O4O backup: {ArchiveName.ManifestMember} is not its first member");
        }

        using var json = new MemoryStream();
        await CopyAsync(entry.DataStream, json, archive, ArchiveName.ManifestMember, cancellationToken);
        return BackupManifest.Parse(json.ToArray(), archive);
    }

    /// <summary>
    /// Reads every member and checks its size and SHA-256 against the manifest; returns the manifest.
    /// </summary>
    /// <exception cref="BackupCorruptException">A member is missing, extra, truncated or altered (named in the message).</exception>
    public static async Task<BackupManifest> CheckMembersAsync(string archive, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(archive, cancellationToken);
        var expected = manifest.Members.ToDictionary(member => member.Path, StringComparer.Ordinal);
        await using var file = OpenFile(archive);
        var tail = new TarEndCheck(new GZipStream(file, CompressionMode.Decompress));
        await using var reader = new TarReader(tail, leaveOpen: false);
        await NextAsync(reader, archive, ArchiveName.ManifestMember, cancellationToken);
        string previous = ArchiveName.ManifestMember;
        while (await NextAsync(reader, archive, $"the member after {previous}", cancellationToken) is { } entry)
        {
            CheckSafe(archive, entry);
            if (!expected.Remove(entry.Name, out var member))
            {
                throw new BackupCorruptException(archive, $"member {MemberPath.Printable(entry.Name)} is not in the manifest");
            }

            using var hashing = new HashingStream(Stream.Null);
            if (entry.DataStream is not null)
            {
                await CopyAsync(entry.DataStream, hashing, archive, entry.Name, cancellationToken);
            }

            CheckMember(archive, entry.Name, member, hashing);
            tail.MemberEnded();
            previous = entry.Name;
        }

        if (expected.Count > 0)
        {
            throw new BackupCorruptException(archive, $"member {expected.Keys.First()} is missing (archive truncated?)");
        }

        await tail.CheckEndAsync(archive, cancellationToken);
        return manifest;
    }

    /// <summary>
    /// Refuses an archive holding after its dump a member o4o never writes (a link, a device, a directory): the platform
    /// files are put back after the swap, so a restore checks them before it. Only the tar stream after the dump is read
    /// when the archive is laid out as o4o writes it (<see cref="StoredDumpReader"/>), else the whole archive.
    /// </summary>
    /// <exception cref="BackupCorruptException">A member is unsafe to restore (named), or the archive is damaged.</exception>
    internal static async Task CheckMembersAfterDumpAsync(string archive, ManifestMember dump, CancellationToken cancellationToken)
    {
        var reader = OpenAfterDump(archive, dump, out var file, out var afterDump);
        await using (reader)
        await using (file)
        {
            var previous = afterDump ? dump.Path : null;
            while (await NextAsync(reader, archive, $"the member after {previous ?? "the start"}", cancellationToken) is { } entry)
            {
                if (previous is not null)
                {
                    CheckSafe(archive, entry);
                }

                previous = entry.Name;
            }
        }
    }

    /// <summary>Refuses a member whose name or type o4o never writes (see <see cref="MemberPath"/>), naming it.</summary>
    /// <exception cref="BackupCorruptException">The member is unsafe to restore.</exception>
    internal static void CheckSafe(string archive, TarEntry entry)
    {
        if ((MemberPath.Problem(entry.Name) ?? MemberPath.Problem(entry.EntryType)) is { } problem)
        {
            throw Unsafe(archive, entry.Name, problem);
        }
    }

    /// <summary>The refusal of member <paramref name="name"/> for <paramref name="problem"/>.</summary>
    internal static BackupCorruptException Unsafe(string archive, string name, string problem) =>
        new(archive, $"member {MemberPath.Printable(name)} is unsafe: {problem}");

    /// <summary>Compares what was read of a member with the manifest's size and checksum.</summary>
    internal static void CheckMember(string archive, string name, ManifestMember member, HashingStream read)
    {
        if (read.BytesSeen < member.Size)
        {
            throw new BackupCorruptException(archive, $"member {name} is truncated ({read.BytesSeen} of {member.Size} bytes)");
        }

        if (read.BytesSeen != member.Size || read.Sha256() != member.Sha256)
        {
            throw new BackupCorruptException(archive, $"member {name} does not match its checksum in the manifest (altered or damaged)");
        }
    }

    /// <summary>Opens the archive positioned at the data of <paramref name="member"/>.</summary>
    /// <exception cref="BackupCorruptException">The member is missing or the archive is damaged before it.</exception>
    internal static async Task<OpenMember> OpenMemberAsync(string archive, string member, CancellationToken cancellationToken)
    {
        var tar = Open(archive, out var file);
        try
        {
            var entry = await NextAsync(tar, archive, ArchiveName.ManifestMember, cancellationToken);
            while (entry is not null && entry.Name != member)
            {
                entry = await NextAsync(tar, archive, $"the member after {entry.Name}", cancellationToken);
            }

            return entry?.DataStream is { } data
                ? new OpenMember(data, tar, file)
                : throw new BackupCorruptException(archive, $"member {member} is missing (archive truncated?)");
        }
        catch
        {
            await tar.DisposeAsync();
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens the dump member at <paramref name="offset"/>: straight from the file when the archive is laid out as o4o
    /// writes it (<see cref="StoredDumpReader"/>), else by reading the archive up to there.
    /// </summary>
    /// <exception cref="BackupCorruptException">The member is missing or the archive is damaged before the offset.</exception>
    internal static async Task<OpenMember> OpenDumpAtAsync(string archive, ManifestMember dump, long offset, CancellationToken cancellationToken)
    {
        if (StoredDumpReader.TryOpen(archive, dump, offset) is { } direct)
        {
            return new OpenMember(direct, direct);
        }

        var opened = await OpenMemberAsync(archive, dump.Path, cancellationToken);
        try
        {
            await CopyAsync(new SliceStream(opened.Data, offset), Stream.Null, archive, dump.Path, cancellationToken);
            return opened;
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens the tar stream at the member after <paramref name="dump"/>, read straight from the file when the archive is laid
    /// out as o4o writes it (<see cref="StoredDumpReader.TryOpenAfter"/>, <paramref name="afterDump"/> true), else the whole
    /// archive from its start; the returned disposable closes the file.
    /// </summary>
    internal static TarReader OpenAfterDump(string archive, ManifestMember dump, out IAsyncDisposable file, out bool afterDump)
    {
        var tail = StoredDumpReader.TryOpenAfter(archive, dump);
        afterDump = tail is not null;
        if (tail is null)
        {
            return Open(archive, out file);
        }

        file = tail;
        return new TarReader(tail, leaveOpen: false);
    }

    /// <summary>Opens the archive's outer gzip and tar layers; the returned disposable closes the file.</summary>
    internal static TarReader Open(string archive, out IAsyncDisposable file)
    {
        var stream = OpenFile(archive);
        file = stream;
        return new TarReader(new GZipStream(stream, CompressionMode.Decompress), leaveOpen: false);
    }

    /// <summary>Opens the archive's file for reading front to back.</summary>
    private static FileStream OpenFile(string archive)
    {
        try
        {
            return new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new BackupCorruptException(archive, "no such archive");
        }
    }

    /// <summary>The next tar entry, or null at the end; damage is reported against <paramref name="where"/>.</summary>
    internal static async Task<TarEntry?> NextAsync(TarReader reader, string archive, string where, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new BackupCorruptException(archive, $"{where} is damaged or the archive is truncated ({exception.Message})");
        }
    }

    /// <summary>Copies a member's data, reporting damage against <paramref name="member"/>.</summary>
    internal static async Task CopyAsync(Stream source, Stream destination, string archive, string member, CancellationToken cancellationToken)
    {
        try
        {
            await source.CopyToAsync(destination, 1 << 20, cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            throw new BackupCorruptException(archive, $"member {member} is damaged or truncated ({exception.Message})");
        }
    }
}

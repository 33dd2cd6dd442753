using System.Buffers.Binary;
using System.Text;

namespace O4O.Recovery.Backups;

/// <summary>
/// A POSIX ustar header for a regular file, built apart from its data. <see cref="System.Formats.Tar.TarWriter"/> writes
/// a header only together with the data behind it; the archive writes the manifest's and the dump's headers last,
/// once their sizes are known, into room left for them. Sizes from 8 GiB up use the base-256 size field of GNU tar,
/// which GNU tar, bsdtar, Python and .NET read.
/// </summary>
internal static class UstarHeader
{
    /// <summary>A header's length; a member's data is padded to a multiple of it.</summary>
    public const int Length = 512;

    private const long LargestOctalSize = (1L << 33) - 1;

    /// <summary>The header of <paramref name="name"/> (ASCII, at most 100 bytes) holding <paramref name="size"/> bytes.</summary>
    public static byte[] For(string name, long size, UnixFileMode mode, DateTimeOffset time)
    {
        if (name.Length > 100 || !Ascii.IsValid(name))
        {
            throw new ArgumentException($"'{name}' does not fit a ustar name field.", nameof(name));
        }

        var header = new byte[Length];
        Encoding.ASCII.GetBytes(name, header);
        Octal(header.AsSpan(100, 8), (long)mode);
        Octal(header.AsSpan(108, 8), 0); // uid
        Octal(header.AsSpan(116, 8), 0); // gid
        if (size <= LargestOctalSize)
        {
            Octal(header.AsSpan(124, 12), size);
        }
        else
        {
            header[124] = 0x80;
            BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(128, 8), size);
        }

        Octal(header.AsSpan(136, 12), time.ToUnixTimeSeconds());
        header[156] = (byte)'0'; // regular file
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));

        Octal(header.AsSpan(148, 7), Checksum(header));
        header[155] = (byte)' ';
        return header;
    }

    /// <summary>True when <paramref name="header"/> is a regular file's header for <paramref name="name"/> holding <paramref name="size"/> bytes.</summary>
    public static bool Describes(ReadOnlySpan<byte> header, string name, long size)
    {
        if (SizeOf(header) != size)
        {
            return false;
        }

        var nameField = header[..100];
        var nameEnd = nameField.IndexOf((byte)0);
        return Encoding.ASCII.GetString(nameEnd < 0 ? nameField : nameField[..nameEnd]).Equals(name, StringComparison.Ordinal);
    }

    /// <summary>The size of the data behind <paramref name="header"/>, a regular file's header; -1 when it is no such header.</summary>
    public static long SizeOf(ReadOnlySpan<byte> header)
    {
        if (header.Length != Length || header[156] != (byte)'0' || !header[257..263].SequenceEqual("ustar\0"u8)
            || ReadOctal(header.Slice(148, 8)) != Checksum(header))
        {
            return -1;
        }

        var sizeField = header.Slice(124, 12);
        return sizeField[0] == 0x80 ? BinaryPrimitives.ReadInt64BigEndian(sizeField[4..]) : ReadOctal(sizeField);
    }

    /// <summary>The value of an octal field (digits, then NULs or spaces); -1 when it holds anything else.</summary>
    private static long ReadOctal(ReadOnlySpan<byte> field)
    {
        var value = 0L;
        foreach (var digit in field.TrimEnd((byte)0).TrimEnd((byte)' ').TrimEnd((byte)0))
        {
            if (digit is < (byte)'0' or > (byte)'7')
            {
                return -1;
            }

            value = value * 8 + (digit - '0');
        }

        return value;
    }

    /// <summary>The sum of the header's bytes with its own checksum field read as spaces.</summary>
    private static int Checksum(ReadOnlySpan<byte> header)
    {
        var checksum = 8 * ' ';
        for (var index = 0; index < Length; index++)
        {
            checksum += index is >= 148 and < 156 ? 0 : header[index];
        }

        return checksum;
    }

    /// <summary>The bytes that pad <paramref name="size"/> bytes of data to a whole number of headers' lengths.</summary>
    public static int Padding(long size) => (int)((Length - size % Length) % Length);

    /// <summary>Zero-padded octal digits and a terminating NUL, filling <paramref name="field"/>.</summary>
    private static void Octal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace O4O.Recovery.IO;

/// <summary>
/// Whether a path names a regular file. Opening a FIFO blocks until someone writes to it and a device such as
/// <c>/dev/zero</c> never ends, so a path an operator typed is looked at before it is opened. .NET does not expose a
/// file's type; <c>statx</c> does, with one layout on every Linux architecture.
/// </summary>
internal static partial class RegularFile
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint TypeWanted = 1; // STATX_TYPE
    private const int ModeOffset = 28; // stx_mode in struct statx
    private const int TypeMask = 0xF000; // S_IFMT
    private const int RegularType = 0x8000; // S_IFREG

    /// <summary>
    /// True when <paramref name="path"/> (after symbolic links) is a regular file; false for a FIFO, device, socket or
    /// directory. A missing path is left to whoever opens it to report.
    /// </summary>
    public static bool IsRegularOrMissing(string path)
    {
        Span<byte> status = stackalloc byte[256];
        return statx(CurrentDirectory, path, 0, TypeWanted, status) != 0
            || (BinaryPrimitives.ReadUInt16LittleEndian(status[ModeOffset..]) & TypeMask) == RegularType;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int directory, string path, int flags, uint mask, Span<byte> status);
}

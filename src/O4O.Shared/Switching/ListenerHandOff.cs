using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace O4O.Recovery.Switching;

/// <summary>
/// How the conductor gives each platform process it starts a copy of the one public listening socket it holds for its
/// whole life (DESIGN: the zero-downtime switch). The platform connects to a unix socket of the conductor's and receives
/// the listener's file descriptor over it (<c>SCM_RIGHTS</c>), rather than inheriting it: a descriptor made inheritable
/// for one <c>fork</c> would also reach any other child started at that moment (a backup's <c>pg_dump</c>, a restarted
/// postmaster), which would then hold the shop's port after the conductor is gone.
/// </summary>
public static partial class ListenerHandOff
{
    /// <summary>The setting with the path of the conductor's hand-off socket (<c>O4O__Platform__HandOff</c>); unset: the platform binds its port itself.</summary>
    public const string HandOffSetting = "Platform:HandOff";

    /// <summary>The setting with the platform's own loopback port, for the conductor's probes and its health gate only.</summary>
    public const string PrivatePortSetting = "Platform:PrivatePort";

    /// <summary>SIGUSR1: start accepting from the shared socket (the release passed its health gate).</summary>
    public const int GoSignal = 10;

    /// <summary>SIGUSR2: stop accepting from the shared socket and close every connection after its current answer.</summary>
    public const int DrainSignal = 12;

    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int ControlTruncated = 0x8; // MSG_CTRUNC

    // struct msghdr on LP64 Linux: name, namelen (+4 padding), iov, iovlen, control, controllen, flags (+4 padding).
    private const int MessageSize = 56;
    private const int IoVectorOffset = MessageSize;
    private const int DataOffset = IoVectorOffset + 16;
    private const int ControlOffset = DataOffset + 8;

    // CMSG_SPACE(sizeof(int)) and CMSG_LEN(sizeof(int)): a 16-byte cmsghdr, then the descriptor.
    private const int ControlSpace = 24;
    private const int ControlLength = 20;

    /// <summary>Sends <paramref name="listener"/>'s descriptor over <paramref name="connection"/> (a connected unix socket).</summary>
    /// <exception cref="IOException">sendmsg failed.</exception>
    public static void Send(Socket connection, Socket listener)
    {
        var added = false;
        listener.SafeHandle.DangerousAddRef(ref added);
        try
        {
            Exchange(connection, (int)listener.SafeHandle.DangerousGetHandle(), send: true);
        }
        finally
        {
            if (added)
            {
                listener.SafeHandle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Connects to the hand-off socket at <paramref name="path"/> and returns the listening descriptor received. It comes
    /// without <c>FD_CLOEXEC</c> (no <c>MSG_CMSG_CLOEXEC</c>), and that matters: .NET shuts a socket down when it closes one
    /// marked close-on-exec, and <c>shutdown</c> on a listening socket would stop it listening in every process that holds
    /// it; without the mark, closing it here closes this process's copy only.
    /// </summary>
    /// <exception cref="IOException">The conductor sent no descriptor.</exception>
    public static int Receive(string path)
    {
        using var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        connection.Connect(new UnixDomainSocketEndPoint(path));
        return Exchange(connection, -1, send: false);
    }

    private static int Exchange(Socket connection, int descriptor, bool send)
    {
        var block = Marshal.AllocHGlobal(ControlOffset + ControlSpace);
        try
        {
            for (var offset = 0; offset < ControlOffset + ControlSpace; offset += 8)
            {
                Marshal.WriteInt64(block, offset, 0);
            }

            Marshal.WriteIntPtr(block, 16, block + IoVectorOffset);
            Marshal.WriteInt64(block, 24, 1);
            Marshal.WriteIntPtr(block, 32, block + ControlOffset);
            Marshal.WriteInt64(block, 40, ControlSpace);
            Marshal.WriteIntPtr(block, IoVectorOffset, block + DataOffset);
            Marshal.WriteInt64(block, IoVectorOffset + 8, 1);
            if (send)
            {
                Marshal.WriteInt64(block, ControlOffset, ControlLength);
                Marshal.WriteInt32(block, ControlOffset + 8, SolSocket);
                Marshal.WriteInt32(block, ControlOffset + 12, ScmRights);
                Marshal.WriteInt32(block, ControlOffset + 16, descriptor);
            }

            var socket = (int)connection.SafeHandle.DangerousGetHandle();
            var result = send ? sendmsg(socket, block, 0) : recvmsg(socket, block, 0);
            if (result < 0)
            {
                throw new IOException($"{(send ? "sendmsg" : "recvmsg")} on the listener hand-off failed (errno {Marshal.GetLastPInvokeError()}).");
            }

            if (send)
            {
                return descriptor;
            }

            if ((Marshal.ReadInt32(block, 48) & ControlTruncated) != 0
                || Marshal.ReadInt64(block, 40) < ControlLength
                || Marshal.ReadInt32(block, ControlOffset + 8) != SolSocket
                || Marshal.ReadInt32(block, ControlOffset + 12) != ScmRights)
            {
                throw new IOException("The conductor's listener hand-off sent no socket.");
            }

            return Marshal.ReadInt32(block, ControlOffset + 16);
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int socket, nint message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int socket, nint message, int flags);
}

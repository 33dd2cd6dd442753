using System.Net;

namespace O4O.Platform.Http;

public static class ClientAddressExtensions
{
    /// <summary>The caller's address (the forwarded client's when the conductor's nginx forwarded the request), or <c>unknown</c>.</summary>
    public static string ClientAddress(this HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>
    /// True when the caller runs on this machine. The forwarded-headers step has already put the client nginx forwarded
    /// in place of the proxy, so a request from outside that came through nginx is not local; a request that still
    /// shows the proxy's own address carried no client address, and is not taken for a local one either.
    /// </summary>
    public static bool IsOnThisMachine(this HttpContext context, IPAddress? trustedProxy) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address) && !address.Equals(trustedProxy);
}

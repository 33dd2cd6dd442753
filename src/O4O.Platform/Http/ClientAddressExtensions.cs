namespace O4O.Platform.Http;

public static class ClientAddressExtensions
{
    /// <summary>The caller's address (after forwarded headers from a local proxy), or <c>unknown</c>.</summary>
    public static string ClientAddress(this HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

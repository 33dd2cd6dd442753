namespace O4O.Platform.Http;

public static class ClientAddressExtensions
{
    /// <summary>The caller's address (the forwarded client's when the conductor's nginx forwarded the request), or <c>unknown</c>.</summary>
    public static string ClientAddress(this HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

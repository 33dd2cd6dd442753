namespace O4O.Platform.Web;

/// <summary>Where a sign-in form may send the browser back to.</summary>
internal static class ReturnUrls
{
    /// <summary>
    /// A path on this site: a crafted returnUrl must not make an open redirect (<c>//evil.example</c>, <c>/\evil.example</c>,
    /// control characters a browser drops).
    /// </summary>
    public static bool IsLocalPath(string url) =>
        url.StartsWith('/')
        && !url.Any(c => char.IsControl(c) || c == '\\')
        && !url.Contains("//", StringComparison.Ordinal);
}

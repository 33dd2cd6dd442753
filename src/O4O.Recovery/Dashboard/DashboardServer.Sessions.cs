using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace O4O.Recovery.Dashboard;

internal sealed partial class DashboardServer
{
    /// <summary>The signed-in session of <paramref name="http"/>, or null (none, expired, or its admin account revoked).</summary>
    private static async Task<DashboardSession?> SessionOfAsync(HttpContext http, DashboardContext context, bool acting = false) =>
        (await CheckedSessionAsync(http, context, acting)).Session;

    /// <summary>
    /// The signed-in session, with an admin's account read again as the platform's <c>SessionCheck</c> reads it: on every
    /// action (<paramref name="acting"/>), so a locked admin cannot act once the lock is made, and otherwise every
    /// <see cref="DashboardOptions.AdminRecheckEvery"/>, which the page's own polling reaches, so an open page is signed
    /// out within that time without a click. A database outage keeps the session (the rule of
    /// <see cref="AdminSessionState.Unchecked"/>); an operator's session ends once the operator token it was opened with is
    /// rotated (<c>o4o secrets rotate</c>). The request's user is the
    /// session's from here on: the antiforgery tokens are bound to it.
    /// </summary>
    private static async Task<(DashboardSession? Session, bool Revoked)> CheckedSessionAsync(HttpContext http, DashboardContext context, bool acting)
    {
        var cookie = await http.AuthenticateAsync();
        if (!cookie.Succeeded || DashboardSessions.Read(cookie.Principal) is not var (id, session))
        {
            return (null, false);
        }

        http.User = cookie.Principal!;
        if (session.OperatorTokenFingerprint is { } fingerprint && fingerprint != OperatorToken.Fingerprint(OperatorToken.LoadOrCreate(context.Home)))
        {
            await http.SignOutAsync();
            await context.RecordAsync(session.Actor, "dashboard session ended: the operator token it was opened with was rotated", http.RequestAborted);
            return (null, true);
        }

        if (session.Admin is not { } admin || (!acting && context.Time.GetUtcNow() - session.CheckedAt < context.Options.AdminRecheckEvery))
        {
            return (session, false);
        }

        var (state, _) = await context.AdminSignIn.CheckAsync(admin, http.RequestAborted);
        if (state != AdminSessionState.Revoked)
        {
            // The same sign-in, expiring when it would have, noted as checked now.
            await http.SignInAsync(DashboardSessions.Principal(session with { CheckedAt = context.Time.GetUtcNow() }, id), cookie.Properties);
            return (session, false);
        }

        await http.SignOutAsync();
        await context.RecordAsync(session.Actor, "dashboard session ended: the platform account is locked, no longer an admin, or its sessions were revoked",
            http.RequestAborted);
        return (null, true);
    }
}

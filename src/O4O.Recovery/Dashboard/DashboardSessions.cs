using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace O4O.Recovery.Dashboard;

/// <summary>A signed-in person: who, the CSRF token their page sends with every action, and when it ends.</summary>
/// <param name="Actor">The operator or the admin's e-mail address, recorded with every action.</param>
/// <param name="Csrf">Sent back in the <c>X-CSRF-Token</c> header of every POST.</param>
/// <param name="ExpiresAt">When the sign-in lapses.</param>
/// <param name="Admin">The platform admin's token it was opened with; null for the operator.</param>
/// <param name="CheckedAt">When <paramref name="Admin"/>'s account was last read from the platform's database.</param>
public sealed record DashboardSession(string Actor, string Csrf, DateTimeOffset ExpiresAt, AdminToken? Admin, DateTimeOffset CheckedAt);

/// <summary>
/// Sign-ins, in the conductor's memory: a restarted conductor asks everyone to sign in again, which is the safe side.
/// The cookie holds only a random id.
/// </summary>
public sealed class DashboardSessions(TimeSpan lifetime, TimeProvider time)
{
    /// <summary>The session cookie's name.</summary>
    public const string Cookie = "o4o_dashboard";

    private readonly ConcurrentDictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>How long a sign-in lasts.</summary>
    public TimeSpan Lifetime => lifetime;

    /// <summary>Starts a session for <paramref name="actor"/> (signed in with <paramref name="admin"/>, if an admin); returns its id for the cookie.</summary>
    public (string Id, DashboardSession Session) Start(string actor, AdminToken? admin = null)
    {
        var now = time.GetUtcNow();
        foreach (var expired in _sessions.Where(pair => pair.Value.ExpiresAt <= now).Select(pair => pair.Key).ToList())
        {
            _sessions.TryRemove(expired, out _);
        }

        var session = new DashboardSession(actor, Random(), now + lifetime, admin, now);
        var id = Random();
        _sessions[id] = session;
        return (id, session);
    }

    /// <summary>The live session with <paramref name="id"/>, or null (unknown or expired).</summary>
    public DashboardSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        if (session.ExpiresAt > time.GetUtcNow())
        {
            return session;
        }

        _sessions.TryRemove(id, out _);
        return null;
    }

    /// <summary>Notes that the admin's account behind session <paramref name="id"/> was read just now.</summary>
    public void Checked(string id, DashboardSession session) =>
        _sessions.TryUpdate(id, session with { CheckedAt = time.GetUtcNow() }, session);

    /// <summary>Ends the session with <paramref name="id"/>.</summary>
    public void End(string? id)
    {
        if (id is not null)
        {
            _sessions.TryRemove(id, out _);
        }
    }

    private static string Random() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
}

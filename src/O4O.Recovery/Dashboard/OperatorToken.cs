using System.Security.Cryptography;
using System.Text;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Recovery.Dashboard;

/// <summary>
/// The operator token in <c>$O4O_HOME/secrets/operator.token</c> (0600): signs in to the dashboard when the platform's
/// database, and so its admin accounts, are out of reach. Generated on first use; <c>o4o token</c> prints it.
/// </summary>
public static class OperatorToken
{
    /// <summary>Where the token of <paramref name="home"/> is kept.</summary>
    public static string PathFor(O4OHome home) => Path.Combine(home.Secrets, "operator.token");

    /// <summary>The token, created first when there is none.</summary>
    public static string LoadOrCreate(O4OHome home)
    {
        var path = PathFor(home);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        // Never over another's: `o4o token` and a starting conductor may both make one, and the first one stays.
        var token = NewToken();
        return AtomicFile.TryCreate(path, Encoding.UTF8.GetBytes(token)) ? token : File.ReadAllText(path).Trim();
    }

    /// <summary>Replaces the token (<c>o4o secrets rotate</c>): the dashboard reads it at every sign-in, so the old one is refused at once.</summary>
    public static void Rotate(O4OHome home) => AtomicFile.WriteAllText(PathFor(home), NewToken());

    /// <summary>
    /// What a dashboard session opened with <paramref name="token"/> keeps of it (a hash's first 16 hex digits, not the
    /// token): a session whose token was rotated since ends at its next request.
    /// </summary>
    public static string Fingerprint(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim())))[..16];

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>True when <paramref name="candidate"/> is <paramref name="token"/>, compared in constant time.</summary>
    public static bool Matches(string token, string candidate) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(candidate.Trim()));
}

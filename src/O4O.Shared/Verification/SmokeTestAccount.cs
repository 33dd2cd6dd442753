using System.Security.Cryptography;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Recovery.Verification;

/// <summary>
/// The customer account <c>o4o verify</c> signs in with when <c>Verify:Email</c> is not set: the platform seeds it
/// at every start with the password kept in <c>$O4O_HOME/secrets/smoke-test.password</c> (0600 from creation), so a
/// fresh install passes its own phase 4 and a restored database gets the account back with this home's password.
/// </summary>
public static class SmokeTestAccount
{
    /// <summary>Its e-mail address (the reserved <c>.local</c> domain: no mail is ever sent to it).</summary>
    public const string Email = "smoke-test@o4o.local";

    /// <summary>Where the password of <paramref name="home"/>'s account is kept.</summary>
    public static string PasswordFile(O4OHome home) => Path.Combine(home.Secrets, "smoke-test.password");

    /// <summary>The password, or null before the platform first started in <paramref name="home"/>.</summary>
    public static string? ReadPassword(O4OHome home) =>
        File.Exists(PasswordFile(home)) ? File.ReadAllText(PasswordFile(home)).Trim() : null;

    /// <summary>The password, generated first when there is none (only the platform's seeding creates it: one writer).</summary>
    public static string LoadOrCreatePassword(O4OHome home)
    {
        if (ReadPassword(home) is { } password)
        {
            return password;
        }

        Directory.CreateDirectory(home.Secrets);
        password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        AtomicFile.WriteAllText(PasswordFile(home), password, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return password;
    }
}

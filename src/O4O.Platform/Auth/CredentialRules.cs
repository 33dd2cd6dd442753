using System.Globalization;
using System.Text;
using O4O.Platform.Http;

namespace O4O.Platform.Auth;

internal static class CredentialRules
{
    public const int MinimumPasswordLength = 8;
    public const int MaximumPasswordLength = 128;
    public const int MaximumEmailLength = 254;

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>
    /// An address with an <c>@</c> and only visible characters: control characters would let an e-mail forge lines in the
    /// log that records failed logins, and format characters (bidi overrides such as U+202E, zero-width spaces such as
    /// U+200B) would make one account look like another in the admin's lists and the audit.
    /// </summary>
    public static bool IsEmailAddress(string email) =>
        email.Length <= MaximumEmailLength && email.Contains('@', StringComparison.Ordinal) && email.EnumerateRunes().All(IsVisible);

    public static FieldErrors Validate(Credentials body, bool newPassword)
    {
        var errors = new FieldErrors();
        var email = body.Email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            errors.Add("email", "email is required.");
        }
        else
        {
            errors.When(!IsEmailAddress(email), "email",
                $"email must be an address of at most {MaximumEmailLength} characters, without spaces, control or invisible characters.");
        }

        if (string.IsNullOrEmpty(body.Password))
        {
            errors.Add("password", "password is required.");
        }
        else
        {
            errors.When(body.Password.Length > MaximumPasswordLength, "password", $"password must be at most {MaximumPasswordLength} characters.");
            errors.When(newPassword && body.Password.Length < MinimumPasswordLength, "password", $"password must be at least {MinimumPasswordLength} characters.");
        }

        return errors;
    }

    // A lone surrogate is enumerated as the replacement character, which no real address holds either.
    private static bool IsVisible(Rune rune) =>
        rune != Rune.ReplacementChar && !Rune.IsWhiteSpace(rune) && Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control
            or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned);
}

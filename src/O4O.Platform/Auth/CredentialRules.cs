using O4O.Platform.Http;

namespace O4O.Platform.Auth;

internal static class CredentialRules
{
    public const int MinimumPasswordLength = 8;
    public const int MaximumPasswordLength = 128;
    public const int MaximumEmailLength = 254;

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

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
            // Control characters would let an e-mail forge lines in the log that records failed logins.
            errors.When(
                email.Length > MaximumEmailLength || !email.Contains('@', StringComparison.Ordinal) || email.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)),
                "email", $"email must be an address of at most {MaximumEmailLength} characters.");
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
}

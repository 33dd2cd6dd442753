using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace O4O.Recovery.Configuration;

/// <summary>
/// Checks a bound section against its data annotations (and <see cref="IValidatableObject"/>) and names each bad value by
/// its key, <c>Platform:Port</c>, and the environment variable that sets it, so the operator knows what to change.
/// </summary>
/// <param name="section">The section the options are bound from.</param>
internal sealed class SectionValidation<T>(string section) : IValidateOptions<T>
    where T : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(result =>
        {
            var member = result.MemberNames.FirstOrDefault() ?? "";
            return $"{section}:{member} ({O4OConfiguration.EnvironmentPrefix}{section}__{member.Replace(":", "__", StringComparison.Ordinal)}): {result.ErrorMessage}";
        }));
    }
}

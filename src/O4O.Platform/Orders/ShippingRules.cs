using System.Text.RegularExpressions;
using O4O.Platform.Http;

namespace O4O.Platform.Orders;

/// <summary>
/// The shipping address of an order, Korean-style: a phone number of digits with optional hyphens
/// (<c>010-1234-5678</c>, <c>02-123-4567</c>), a 5-digit postal code, a road address and its detail.
/// Text is trimmed; an empty optional field is no field.
/// </summary>
internal static partial class ShippingRules
{
    public const int MaxRecipient = 50;
    public const int MaxAddress = 200;
    public const int MaxAddressDetail = 100;
    public const int MaxDeliveryNote = 200;

    /// <summary>The validated address, or null when none was sent or it has errors (then in <paramref name="errors"/>).</summary>
    public static Shipping? Validate(ShippingRequest? request, FieldErrors errors, string prefix = "shipping.")
    {
        if (request is null)
        {
            return null;
        }

        var recipient = Required(request.Recipient, MaxRecipient, prefix + "recipient", "recipient", errors);
        var phone = request.Phone?.Trim();
        errors.When(phone is null || !PhonePattern().IsMatch(phone), prefix + "phone",
            "phone is required: a phone number of 9 to 11 digits with optional hyphens, e.g. 010-1234-5678.");
        var postalCode = request.PostalCode?.Trim();
        errors.When(postalCode is null || !PostalCodePattern().IsMatch(postalCode), prefix + "postalCode", "postalCode is required: 5 digits, e.g. 06236.");
        var address = Required(request.Address, MaxAddress, prefix + "address", "address", errors);
        var detail = Optional(request.AddressDetail, MaxAddressDetail, prefix + "addressDetail", "addressDetail", errors);
        var note = Optional(request.DeliveryNote, MaxDeliveryNote, prefix + "deliveryNote", "deliveryNote", errors);
        return recipient is null || address is null || phone is null || postalCode is null || !errors.IsEmpty
            ? null
            : new Shipping(recipient, phone, postalCode, address, detail, note);
    }

    private static string? Required(string? value, int max, string field, string name, FieldErrors errors)
    {
        var text = value?.Trim();
        var valid = !string.IsNullOrEmpty(text) && text.Length <= max && InputText.IsClean(text);
        errors.When(!valid, field, $"{name} is required: 1 to {max} characters, without control characters.");
        return valid ? text : null;
    }

    private static string? Optional(string? value, int max, string field, string name, FieldErrors errors)
    {
        var text = value?.Trim();
        errors.When(text?.Length > max || !InputText.IsClean(text), field, $"{name} must be at most {max} characters, without control characters.");
        return string.IsNullOrEmpty(text) ? null : text;
    }

    // A leading 0 (area or mobile prefix of 2 to 3 digits), then 3 to 4 and 4 digits: 9 to 11 digits in all.
    [GeneratedRegex("^0[0-9]{1,2}-?[0-9]{3,4}-?[0-9]{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex("^[0-9]{5}$", RegexOptions.CultureInvariant)]
    private static partial Regex PostalCodePattern();
}

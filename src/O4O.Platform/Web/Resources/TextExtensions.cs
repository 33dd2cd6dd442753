using System.Globalization;

namespace O4O.Platform.Web.Resources;

/// <summary>Formatting and keyed look-ups on top of the generated <see cref="Text"/> class.</summary>
internal static class TextLookup
{
    extension(Text)
    {
        /// <summary>A resource with placeholders, filled in with invariant numbers.</summary>
        public static string Get(string format, params object[] arguments) => string.Format(CultureInfo.InvariantCulture, format, arguments);

        /// <summary>The text for a database value such as an order status, or the value itself when none is known.</summary>
        public static string For(string prefix, string value) =>
            Text.ResourceManager.GetString($"{prefix}_{value}", CultureInfo.CurrentUICulture) ?? value;
    }
}

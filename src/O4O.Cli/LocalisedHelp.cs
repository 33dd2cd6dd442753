using O4O.Cli.Resources;

namespace O4O.Cli;

/// <summary>
/// System.CommandLine writes its help's headings and built-in texts from its own resources, whose Korean leaves a few in
/// English: they are replaced here by ours, so that <c>--help --lang ko</c> is Korean throughout.
/// </summary>
internal static class LocalisedHelp
{
    public static string Translate(string help)
    {
        (string English, string Ours)[] fragments =
        [
            ("Description:" + Environment.NewLine, Strings.HelpDescriptionHeading + Environment.NewLine),
            ("[default: ", Strings.HelpDefaultPrefix),
            ("<additional arguments>", Strings.HelpAdditionalArgumentsToken),
            ("Arguments passed to the application that is being run.", Strings.HelpAdditionalArguments),
        ];
        return fragments.Aggregate(help, (text, fragment) => text.Replace(fragment.English, fragment.Ours, StringComparison.Ordinal));
    }
}

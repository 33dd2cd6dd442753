namespace O4O.Cli.Tests.Commands;

/// <summary>
/// <c>--lang ko</c> sets the process's UI culture: tests that assert human text run one at a time, so that a
/// Korean run does not change another test's English.
/// </summary>
internal static class LocalisedOutput
{
    public const string Collection = "Localised output";
}

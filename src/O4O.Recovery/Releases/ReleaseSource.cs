using System.Text.RegularExpressions;

namespace O4O.Recovery.Releases;

/// <summary>
/// What <c>o4o deploy</c> publishes: a source checkout (a directory holding <c>src/O4O.Platform</c>) or a git ref of
/// the repository the command runs in. Checked before anything is run: a ref is never passed where git could read it
/// as an option (<c>--upload-pack=…</c>).
/// </summary>
/// <param name="Directory">The checkout, or the repository the ref is resolved in.</param>
/// <param name="GitRef">The ref, or null for the checkout as it is on disk.</param>
public sealed partial record ReleaseSource(string Directory, string? GitRef)
{
    /// <summary>The platform's project, relative to a checkout.</summary>
    public const string PlatformProject = "src/O4O.Platform/O4O.Platform.csproj";

    /// <summary>How the source is named in the manifest.</summary>
    public string Description => GitRef ?? Directory;

    /// <summary>
    /// <paramref name="argument"/> as a directory when one exists there, else as a git ref of the repository holding
    /// <paramref name="workingDirectory"/>; none: the checkout holding <paramref name="workingDirectory"/>.
    /// </summary>
    /// <exception cref="ReleaseInputException">Neither a checkout nor a well-formed ref.</exception>
    public static ReleaseSource Parse(string? argument, string workingDirectory)
    {
        if (string.IsNullOrEmpty(argument))
        {
            return Checkout(Path.GetFullPath(workingDirectory));
        }

        if (argument.StartsWith('-') || argument.Any(char.IsControl))
        {
            throw new ReleaseInputException($"'{Printable(argument)}' is neither a source directory nor a git ref.");
        }

        var path = Path.GetFullPath(argument, workingDirectory);
        if (System.IO.Directory.Exists(path))
        {
            return Checkout(path);
        }

        if (!RefPattern().IsMatch(argument) || argument.Contains("..", StringComparison.Ordinal) || argument.Contains("@{", StringComparison.Ordinal))
        {
            throw new ReleaseInputException($"'{Printable(argument)}' is neither a source directory nor a git ref.");
        }

        return new ReleaseSource(Path.GetFullPath(workingDirectory), argument);
    }

    private static ReleaseSource Checkout(string directory) =>
        File.Exists(Path.Combine(directory, PlatformProject))
            ? new ReleaseSource(directory, null)
            : throw new ReleaseInputException($"{directory} is not an O4O source checkout: it has no {PlatformProject}.");

    // What an operator typed, shown on one line.
    private static string Printable(string text) => new([.. text.Take(80).Select(c => char.IsControl(c) ? '?' : c)]);

    // A branch, tag or commit, optionally with ~N or ^N: what git check-ref-format allows, less anything git reads as more than a ref.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}([~^][0-9]{0,3})*$")]
    private static partial Regex RefPattern();
}

/// <summary>Input that names no source or release; one line, nothing was done.</summary>
/// <param name="message">What was wrong with it.</param>
public sealed class ReleaseInputException(string message) : Exception(message);

/// <summary>A deploy or rollback that could not be done; the message says why and what to do.</summary>
/// <param name="message">Why.</param>
public sealed class ReleaseFailedException(string message) : Exception(message);

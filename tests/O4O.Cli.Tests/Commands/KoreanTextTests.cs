using System.Collections;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using O4O.Cli.Commands;
using O4O.Recovery.Processes;

namespace O4O.Cli.Tests.Commands;

/// <summary>
/// <c>--lang ko</c> is Korean throughout: every command's help (found by walking the command tree, so a new command is
/// covered without touching this test) and every resource string. What stays as written in Korean text — product and
/// tool names, commands, options, settings, JSON fields — is listed here.
/// </summary>
[Collection(LocalisedOutput.Collection)]
public sealed partial class KoreanTextTests
{
    private static readonly HashSet<string> _keptWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "O4O", "PostgreSQL", "psql", "pg", "dump", "nginx", "Ctrl", "SIGTERM", "SIGKILL", "AutoRecovery", "Markdown", "JSON", "SQL",
        "platform", "database", "conductor", "admin", "site", "backups", "api", "www", "latest", "on", "off", "en", "ko",
        "name", "state", "address", "pid", "responseTimeMs", "error", "supervision", "since", "restarts", "lastError", "failureType",
        "detail", "running", "startedAt", "autoRecovery", "paused", "Verify", "Email", "Password", "Nginx", "Enabled", "Port",
        "Dashboard", "Backup", "Directory", "Database", "ConnectionString", "Admin", "Platform", "Assembly", "secrets", "operator",
        "token", "apt-get", "install", "yes", "dry-run", "json", "lang", "db", "broken", "restore", "undone", "NAME", "N", "TEXT",
        "FILE", "COMPONENT", "ARGS", "tar", "gz", "gzip", "sha256", "manifest", "users", "orders", "products", "URI", "URL",
        "full", "diff", "incr", "WAL", "pgBackRest",
    };

    // Texts of System.CommandLine itself that no translation should leave behind.
    private static readonly HashSet<string> _headings = new(StringComparer.Ordinal) { "Description", "Usage", "Options", "Arguments", "Commands", "default" };

    // Resource strings that are the same in both languages on purpose: formats, a column name, a command.
    private static readonly HashSet<string> _sameInBoth = new(StringComparer.Ordinal) { "ErrorLine", "ErrorCommandLine", "StatusColumnPid", "RecoverVerifyPlan", "ColumnWal", "PhysicalBackupStep" };

    [Fact]
    public async Task Every_commands_help_in_korean_has_no_english_sentence()
    {
        using var cli = new CliRun();
        var root = O4OCommandLine.Build(new CliContext(cli.Home, cli.Settings, TextWriter.Null, TextWriter.Null));
        var kept = new HashSet<string>(_keptWords, StringComparer.OrdinalIgnoreCase);
        var untranslated = new List<string>();
        // Each in its own process, as people run it: the language is chosen before any text is read.
        foreach (var path in Paths(root, [], kept).ToList())
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "o4o.dll"), .. path, "--help", "--lang", "ko"]);
            start.Environment["O4O_HOME"] = cli.Home.Root;
            var result = await CommandRunner.RunAsync(start);
            Assert.True(result.ExitCode == 0, result.StandardError);
            untranslated.AddRange(English(result.StandardOutput, kept).Select(text => $"o4o {string.Join(' ', path)} --help: \"{text}\""));
        }

        Assert.True(untranslated.Count == 0, string.Join('\n', untranslated));
    }

    [Fact]
    public void Every_english_resource_string_has_a_korean_one_that_is_not_english()
    {
        var english = Strings(CultureInfo.InvariantCulture);
        var korean = Strings(CultureInfo.GetCultureInfo("ko"));

        Assert.Empty(english.Keys.Except(korean.Keys).Order());
        Assert.Empty(english.Keys.Where(key => !_sameInBoth.Contains(key) && korean.GetValueOrDefault(key) == english[key]).Order());
        using var cli = new CliRun();
        var kept = new HashSet<string>(_keptWords, StringComparer.OrdinalIgnoreCase);
        _ = Paths(O4OCommandLine.Build(new CliContext(cli.Home, cli.Settings, TextWriter.Null, TextWriter.Null)), [], kept).ToList();
        var englishInKorean = korean.Where(pair => English(pair.Value, kept).Any())
            .Select(pair => $"{pair.Key}: {string.Join(" / ", English(pair.Value, kept))}").Order().ToList();
        Assert.True(englishInKorean.Count == 0, string.Join('\n', englishInKorean));
    }

    /// <summary>Runs of two or more English words that are not kept words, and System.CommandLine's headings.</summary>
    private static IEnumerable<string> English(string text, HashSet<string> kept)
    {
        // Placeholders ({0}), options (--all), settings (O4O__X__Y), paths and code (`…`) are not prose.
        var prose = NotProse().Replace(text, " | ");
        foreach (Match segment in Segment().Matches(prose))
        {
            var words = segment.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
            var run = new List<string>();
            foreach (var word in words.Append("|"))
            {
                if (_headings.Contains(word.TrimEnd(':')))
                {
                    yield return word;
                }

                if (word.Any(char.IsAsciiLetter) && word.All(c => char.IsAsciiLetter(c) || c is '\'' or '-') && !kept.Contains(word))
                {
                    run.Add(word);
                    continue;
                }

                if (run.Count >= 2)
                {
                    yield return string.Join(' ', run);
                }

                run.Clear();
            }
        }
    }

    private static IEnumerable<string[]> Paths(Command command, string[] path, HashSet<string> kept)
    {
        kept.Add(command.Name);
        foreach (var option in command.Options)
        {
            kept.Add(option.Name.TrimStart('-'));
        }

        foreach (var argument in command.Arguments)
        {
            kept.Add(argument.Name);
        }

        yield return path;
        foreach (var sub in command.Subcommands)
        {
            foreach (var deeper in Paths(sub, [.. path, sub.Name], kept))
            {
                yield return deeper;
            }
        }
    }

    private static Dictionary<string, string> Strings(CultureInfo culture) =>
        Resources.Strings.ResourceManager.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string)entry.Value!);

    [GeneratedRegex(@"\{\d+[^}]*\}|--?[a-z][\w-]*|\bO4O__\w+|\$?[\w.]*/[\w./$<>*-]*|`[^`]*`|\b\w+:\w+(:\w+)*\b|\b\w*[_.]\w+\b")]
    private static partial Regex NotProse();

    // Stretches of ASCII letters, spaces, commas, apostrophes and hyphens: Korean, brackets and punctuation end one.
    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9 ,'-]*")]
    private static partial Regex Segment();
}

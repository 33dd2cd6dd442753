using System.CommandLine;
using System.CommandLine.Parsing;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o restore --from s3://BUCKET/PREFIX --key-file KEY [--yes]</c>: scenario 3, a new machine's home brought back from the
/// off-site bucket (<see cref="BareMachineRestore"/>), each step a line on stderr and the download under a byte count at a
/// terminal; the home on stdout.
/// </summary>
internal static class RestoreFromOffsite
{
    public static readonly Option<OffsiteSource?> From = new("--from") { Description = Strings.OptionFrom, CustomParser = ParseSource };
    public static readonly Option<string?> KeyFile = new("--key-file") { Description = Strings.OptionKeyFile };

    /// <summary>True when the command line names a bucket to restore from.</summary>
    public static bool Requested(CommandResult command) => command.GetResult(From) is not null;

    /// <summary>--from and --key-file together, and nothing else of restore's choices but --yes.</summary>
    public static void Validate(CommandResult command, Argument<string> name, params Option[] others)
    {
        var from = command.GetResult(From) is not null;
        if (from != (command.GetResult(KeyFile) is not null)
            || (from && (command.GetResult(name) is { Tokens.Count: > 0 } || others.Any(option => command.GetResult(option) is { Implicit: false }))))
        {
            command.AddError(Strings.RestoreFromOptionsConflict);
        }
    }

    public static async Task<int> RunAsync(CliContext context, ParseResult parsed, bool yes, CancellationToken cancellationToken)
    {
        var keys = ArchiveKeyRing.Read(Path.GetFullPath(parsed.GetValue(KeyFile)!));
        var restore = new BareMachineRestore(context.Home, parsed.GetValue(From)!, context.Bind<OffsiteOptions>(OffsiteOptions.Section),
            context.Bind<DatabaseOptions>(DatabaseOptions.Section), context.Bind<ArchivingOptions>(ArchivingOptions.Section), context.Time);
        var outcome = await restore.RunAsync(keys, yes, new Steps(context), cancellationToken);
        await context.Out.WriteLineAsync(context.Home.Root);
        await context.Error.WriteLineAsync(Text.Format(outcome.PhysicalSet is null ? Strings.RestoreFromDoneArchive : Strings.RestoreFromDonePhysical,
            context.Home.Root, outcome.PhysicalSet ?? outcome.Archive, outcome.Archive ?? "-"));
        if (outcome.Redacted.Count > 0)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.RestoreFromRedacted, string.Join(", ", outcome.Redacted)));
        }

        if (outcome.Replaced is { } replaced)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.RestoreFromReplaced, replaced));
        }

        return ExitCodes.Success;
    }

    private static OffsiteSource? ParseSource(ArgumentResult result)
    {
        try
        {
            return OffsiteSource.Parse(result.Tokens.Single().Value);
        }
        catch (FormatException invalid)
        {
            result.AddError(invalid.Message);
            return null;
        }
    }

    /// <summary>A line on stderr as each step begins; a byte count under the download and the load at a terminal.</summary>
    private sealed class Steps(CliContext context) : IBareMachineProgress
    {
        public void Step(BareMachineStep step, string detail) => context.Error.WriteLine(Text.Format(step switch
        {
            BareMachineStep.Listing => Strings.RestoreFromStepListing,
            BareMachineStep.Download => Strings.RestoreFromStepDownload,
            BareMachineStep.RestoreSet => Strings.RestoreFromStepRestoreSet,
            BareMachineStep.Replayed => Strings.RestoreFromStepReplayed,
            BareMachineStep.Load => Strings.RestoreFromStepLoad,
            BareMachineStep.Files => Strings.RestoreFromStepFiles,
            _ => Strings.RestoreFromStepCommit,
        }, detail));

        public Task<T> TransferAsync<T>(string description, Func<IProgress<long>?, Task<T>> work) => CliConsole.WithProgressAsync(context, description, work);
    }
}

using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o incident evidence N</c>: a read-only copy of the logs, the audit's changed files with their checksums and the
/// suspicious archives' manifests, with a checksum list (<see cref="IncidentEvidence"/>); its directory on stdout.
/// </summary>
internal static class IncidentEvidenceCommand
{
    public static Command Create(CliContext context)
    {
        var id = IncidentCommand.IdArgument();
        var command = new Command("evidence", Strings.IncidentEvidenceDescription);
        command.Arguments.Add(id);
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => IncidentCommand.RunAsync(context, async _ =>
        {
            var platform = Path.GetDirectoryName(await AuditCommand.PlatformAssemblyAsync(context, cancellationToken))!;
            var directory = await IncidentEvidence.CollectAsync(context.Home, result.GetValue(id), platform,
                context.Bind<BackupOptions>(BackupOptions.Section), context.Time, cancellationToken);
            await context.Out.WriteLineAsync(directory);
            await context.Error.WriteLineAsync(Text.Format(Strings.IncidentEvidenceCollected, result.GetValue(id), directory));
            return ExitCodes.Success;
        }));
        return command;
    }
}

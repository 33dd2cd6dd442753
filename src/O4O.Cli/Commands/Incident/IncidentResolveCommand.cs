using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary><c>o4o incident resolve N [--by NAME]</c>: resolves by hand; the duration is kept.</summary>
internal static class IncidentResolveCommand
{
    public static Command Create(CliContext context)
    {
        var id = IncidentCommand.IdArgument();
        var by = new Option<string?>("--by") { Description = Strings.IncidentByOption };
        var command = new Command("resolve", Strings.IncidentResolveDescription);
        command.Arguments.Add(id);
        command.Options.Add(by);
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => IncidentCommand.RunAsync(context, async store =>
        {
            var actor = result.GetValue(by) ?? IncidentCommand.CurrentUser();
            var resolved = await store.ResolveAsync(result.GetValue(id), context.Time.GetUtcNow(), actor, $"resolved by {actor}", cancellationToken);
            await context.Error.WriteLineAsync(Text.Format(resolved ? Strings.IncidentResolved : Strings.IncidentAlreadyResolved, result.GetValue(id)));
            return ExitCodes.Success;
        }));
        return command;
    }
}

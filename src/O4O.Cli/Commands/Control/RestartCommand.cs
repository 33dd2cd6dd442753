using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary><c>o4o restart COMPONENT</c>: a graceful restart by the conductor, which also ends a crash loop's give-up.</summary>
internal static class RestartCommand
{
    public static Command Create(CliContext context)
    {
        var component = new Argument<string>("component") { Description = Strings.RestartComponentArgument };
        var command = new Command("restart", Strings.RestartDescription);
        command.Arguments.Add(component);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
            await UpControl.RunAsync(context, async client =>
            {
                var snapshot = await client.RestartAsync(result.GetValue(component)!, UpControl.Actor, cancellationToken);
                await context.Error.WriteLineAsync(Text.Format(Strings.RestartRequested, snapshot.Name));
                return ExitCodes.Success;
            }));
        return command;
    }
}

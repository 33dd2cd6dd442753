using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Dashboard;

namespace O4O.Cli.Commands;

/// <summary><c>o4o token</c>: prints the operator token that signs in to the dashboard (created on first use, mode 0600).</summary>
internal static class TokenCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("token", Strings.TokenDescription);
        command.SetAction(async (ParseResult _, CancellationToken _) =>
        {
            context.Home.EnsureCreated();
            await context.Out.WriteLineAsync(OperatorToken.LoadOrCreate(context.Home));
            await context.Error.WriteLineAsync(Text.Format(Strings.TokenHint,
                context.Bind<DashboardOptions>(DashboardOptions.Section).Port));
            return ExitCodes.Success;
        });
        return command;
    }
}

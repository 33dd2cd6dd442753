using System.CommandLine;
using System.Diagnostics;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Patroni;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o switchover [MEMBER]</c>: in Patroni mode, Patroni hands the leader role to MEMBER (or to a standby it picks)
/// and the command waits until the new leader runs. Through Patroni's REST API, never by promoting PostgreSQL itself.
/// </summary>
internal static class SwitchoverCommand
{
    private static readonly TimeSpan _newLeaderTimeout = TimeSpan.FromSeconds(60);

    public static Command Create(CliContext context)
    {
        var member = new Argument<string?>("member") { Description = Strings.SwitchoverMemberArgument, Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("switchover", Strings.SwitchoverDescription);
        command.Arguments.Add(member);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var options = context.Bind<DatabaseOptions>(DatabaseOptions.Section);
            if (!options.IsPatroni)
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine, Strings.SwitchoverNotPatroni));
                return ExitCodes.UsageError;
            }

            var rest = PatroniRest.For(options);
            var leader = (await rest.ClusterAsync(cancellationToken))?.Leader?.Name
                ?? throw new PatroniRefusedException(Strings.SwitchoverNoLeader);
            var candidate = result.GetValue(member);
            // On the record first: the conductor's watch takes a leader change that no switchover asked for as a failover.
            await new RestoreRecord(context, new Recovery.State.EventLog(context.Home.StateDatabase), UpControl.Actor)
                .RecordAsync(PatroniEvents.SwitchoverAsked(context.Time.GetUtcNow(), leader, candidate, UpControl.Actor), cancellationToken);
            await context.Error.WriteLineAsync(await rest.SwitchoverAsync(leader, candidate, cancellationToken));
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < _newLeaderTimeout)
            {
                if ((await rest.ClusterAsync(cancellationToken))?.Leader?.Name is { } now && now != leader)
                {
                    await context.Out.WriteLineAsync(now);
                    return ExitCodes.Success;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }

            throw new PatroniRefusedException(Text.Format(Strings.SwitchoverNoNewLeader, leader, _newLeaderTimeout.TotalSeconds));
        });
        return command;
    }
}

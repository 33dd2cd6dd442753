using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using O4O.Cli.Resources;
using O4O.Recovery.Processes;

namespace O4O.Cli.Commands;

/// <summary><c>o4o psql [ARGS…]</c>: psql on the platform's database as its superuser, in this terminal; exits with psql's code.</summary>
internal static class PsqlCommand
{
    public static Command Create(CliContext context)
    {
        var command = new SignalOwningCommand("psql", Strings.PsqlDescription) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async (ParseResult result, CancellationToken _) => await RunAsync(context, result.UnmatchedTokens));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> arguments)
    {
        var start = PsqlInvocation.Build(DatabaseCommands.Psql(context), DatabaseCommands.Target(context), arguments);
        using var psql = StartOrExplain(start);
        // Ctrl+C reaches psql from the terminal (it cancels the running query); o4o itself must not die of it.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => signal.Cancel = true);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            UnixProcess.Signal(psql.Id, UnixProcess.SigTerm);
        });
        await psql.WaitForExitAsync(CancellationToken.None);
        return psql.ExitCode;
    }

    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new PsqlNotFoundException();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new PsqlNotFoundException();
        }
    }
}

/// <summary>psql is not installed.</summary>
internal sealed class PsqlNotFoundException() : Exception("psql was not found.");

using Npgsql;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Restore;
using O4O.Recovery.State;

namespace O4O.Cli.Commands;

/// <summary>
/// The <c>restores</c> row of <c>o4o status</c>: puts right a restore killed mid-way (its journal says what it left), then
/// reports what restores left on the server: a leftover <c>&lt;db&gt;_restore</c> copy, a journal of a restore still
/// running, how many replaced databases are kept and their size, the data directories full restores kept; a full-cluster
/// restore interrupted while it replaced the
/// data directory. No row when there is nothing to say.
/// </summary>
internal static class StatusRestores
{
    public static async Task<ComponentStatus?> AssessAsync(CliContext context, int? conductorPort, CancellationToken cancellationToken)
    {
        var options = context.Bind<DatabaseOptions>(DatabaseOptions.Section);
        options.Port = conductorPort ?? options.Port;
        if (InterruptedClusterSwap.Find(context.Home) is { } swap)
        {
            // Said even while the server is down, which it may well be.
            return new ComponentStatus("restores", HealthState.Degraded, options.Name, null, null,
                Text.Format(SideInstanceLeftover.IsRunning(context.Home) ? Strings.StatusPitrClusterRunning : Strings.StatusPitrClusterLeftover, swap.Live, swap.Kept));
        }

        try
        {
            var server = ResolvedDatabaseServer.Resolve(context.Home, options);
            var repair = await new InterruptedRestore(context.Home, () => server, new EventLog(context.Home.StateDatabase),
                $"{IncidentCommand.CurrentUser()} (o4o status)", context.Time).RepairAsync(cancellationToken);
            await using var admin = await RestoreDatabases.OpenAdminAsync(server, cancellationToken);
            var kept = await KeptDatabases.ListAsync(admin, server.DatabaseName, cancellationToken);
            var copy = await KeptDatabases.CopyAsync(admin, server.DatabaseName, cancellationToken);
            var side = SideInstanceLeftover.Find(context.Home);
            var problem = side is not null ? Text.Format(SideInstanceLeftover.IsRunning(context.Home) ? Strings.StatusPitrRunning : Strings.StatusPitrLeftover, side.Root)
                : InterruptedRestore.JournalPresent(context.Home) ? Strings.StatusRestoreRunning
                : copy is not null ? Text.Format(Strings.StatusRestoreLeftover, copy.Name, Sizes.Size(copy.Size))
                : null;
            string[] details = [
                .. repair is null ? Array.Empty<string>() : [Text.Format(Strings.StatusRestoreRepaired, repair.Seen, repair.Done)],
                .. kept.Count == 0 ? Array.Empty<string>()
                    : [Text.Format(Strings.StatusRestoreKept, kept.Count, server.DatabaseName, Sizes.Size(kept.Sum(database => database.Size)))],
                .. PointInTimeRestore.KeptDataDirectories(context.Home) is { Count: > 0 } directories
                    ? [Text.Format(Strings.StatusKeptDataDirectories, directories.Count, string.Join(", ", directories))]
                    : Array.Empty<string>(),
            ];
            return problem is null && details.Length == 0
                ? null
                : new ComponentStatus("restores", problem is null ? HealthState.Healthy : HealthState.Degraded, server.DatabaseName, null, null, problem)
                {
                    Detail = details.Length == 0 ? null : string.Join("; ", details),
                };
        }
        catch (Exception exception) when (exception is DatabaseUnavailableException or NpgsqlException or LockHeldException)
        {
            // The database row says why the server cannot be asked.
            return null;
        }
    }
}

using Microsoft.Extensions.Logging;
using O4O.Recovery.Control;

namespace O4O.Recovery.Supervision;

public sealed partial class Conductor
{
    private BackgroundJob Job((string Name, Func<CancellationToken, Task> Run) job, IRecoveryJournal journal) =>
        new(job.Name, job.Run, settings.Supervision, journal, time, loggers.CreateLogger<BackgroundJob>());

    /// <summary>Runs the supervisors and, beside them, the background jobs until <paramref name="stop"/>; then stops the jobs.</summary>
    private static async Task SuperviseAsync(Supervisor[] supervisors, BackgroundJob[] jobs, ConductorState state, CancellationToken stop)
    {
        state.Jobs = jobs;
        try
        {
            foreach (var job in jobs)
            {
                await job.StartAsync(stop);
            }

            await Task.WhenAll(supervisors.Select(supervisor => supervisor.RunAsync(stop)));
        }
        finally
        {
            await Task.WhenAll(jobs.Select(job => job.StopAsync(CancellationToken.None)));
            foreach (var job in jobs)
            {
                job.Dispose();
            }
        }
    }
}

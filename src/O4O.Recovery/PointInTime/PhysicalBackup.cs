using System.Globalization;
using O4O.Recovery.Processes;

namespace O4O.Recovery.PointInTime;

/// <summary>A physical backup just taken: its set as <c>pgbackrest info</c> lists it, and how long it took.</summary>
/// <param name="Set">The new set.</param>
/// <param name="Duration">From the start of <c>pgbackrest backup</c> to its end (expiry of old sets included).</param>
public sealed record PhysicalBackupTaken(PhysicalBackupSet Set, TimeSpan Duration)
{
    /// <summary>One line for events and the CLI: type, label, sizes, duration and WAL range.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Set.Type} physical backup {Set.Label}: {Set.Size / 1048576.0:0.0} MB ({Set.RepositorySize / 1048576.0:0.0} MB in the repository) "
        + $"in {Duration.TotalSeconds:0.0} s, WAL {Set.WalStart} to {Set.WalStop}");
}

/// <summary>
/// Takes a physical backup of the managed cluster with <c>pgbackrest backup</c>: the one way the conductor's schedule and
/// <c>o4o backup create --physical</c> both take one. pgBackRest expires the sets beyond <c>repo1-retention-full</c> itself
/// after each backup, keeping every WAL segment a kept set needs.
/// </summary>
internal sealed class PhysicalBackup(PgBackRest pgBackRest, TimeProvider time)
{
    /// <summary>The backup types, biggest first: a full copies everything, a differential what changed since the full, an incremental since the last set.</summary>
    public static readonly IReadOnlyList<string> Types = ["full", "diff", "incr"];

    /// <summary>
    /// Takes a backup of <paramref name="type"/> (pgBackRest makes it a full when there is no full to build on) and hands
    /// each of pgBackRest's progress messages to <paramref name="progress"/>.
    /// </summary>
    /// <exception cref="PgBackRestException">The backup failed, or the repository could not be read after it.</exception>
    public Task<PhysicalBackupTaken> TakeAsync(string type, Action<string>? progress, CancellationToken cancellationToken) =>
        TakeAsync(type, PgBackRestOffsite.Local, progress, cancellationToken);

    /// <summary>As above, into <paramref name="repository"/> (1 local, 2 off-site): pgBackRest backs up to one repository per command.</summary>
    /// <exception cref="PgBackRestException">The backup failed, or the repository could not be read after it.</exception>
    public async Task<PhysicalBackupTaken> TakeAsync(string type, int repository, Action<string>? progress, CancellationToken cancellationToken)
    {
        if (!Types.Contains(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "A physical backup is full, diff or incr.");
        }

        var before = (await pgBackRest.InfoAsync(repository, cancellationToken)).Backups.Select(set => set.Label).ToHashSet(StringComparer.Ordinal);
        var started = time.GetTimestamp();
        string? error = null;
        var result = await CommandRunner.StreamAsync(pgBackRest.ForRepository(repository).Start("backup", [$"--type={type}", PgBackRestOffsite.RepositoryOption(repository), "--log-level-console=info"]), line =>
        {
            error ??= MessageAfter(line, "ERROR: ");
            if (MessageAfter(line, "INFO: ") is { } message)
            {
                progress?.Invoke(message);
            }
        }, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new PgBackRestException("backup", error is null ? PgBackRest.ErrorOf(result) : $"ERROR: {error}");
        }

        var duration = time.GetElapsedTime(started);
        var made = (await pgBackRest.InfoAsync(repository, cancellationToken)).Backups.LastOrDefault(set => !before.Contains(set.Label))
            ?? throw new PgBackRestException("backup", "it succeeded, but pgbackrest info lists no new backup set");
        return new PhysicalBackupTaken(made, duration);
    }

    /// <summary>
    /// What a console line says after its level, without pgBackRest's timestamp and process prefix
    /// (<c>… P00   INFO: new backup label = …</c> → <c>new backup label = …</c>); null for a line of another level.
    /// </summary>
    private static string? MessageAfter(string line, string level) =>
        line.IndexOf(level, StringComparison.Ordinal) is var at and >= 0 ? line[(at + level.Length)..] : null;
}

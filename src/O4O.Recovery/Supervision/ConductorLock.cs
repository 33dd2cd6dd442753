using O4O.Recovery.Configuration;

namespace O4O.Recovery.Supervision;

/// <summary>
/// Makes sure one conductor at a time runs for a home: a second one would take the first one's postmaster for an
/// orphan and stop it. The lock is an exclusive lock on <c>run/conductor.lock</c>, held for the conductor's life
/// and released by the kernel however the process ends.
/// </summary>
internal sealed class ConductorLock : IDisposable
{
    private readonly FileStream _file;

    private ConductorLock(FileStream file) => _file = file;

    /// <summary>Takes the lock for <paramref name="home"/>.</summary>
    /// <exception cref="ConductorAlreadyRunningException">Another conductor holds it.</exception>
    public static ConductorLock Acquire(O4OHome home)
    {
        try
        {
            // On Unix, .NET enforces FileShare.None with an advisory flock: exactly what is needed here.
            return new ConductorLock(new FileStream(Path.Combine(home.Run, "conductor.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException exception)
        {
            throw new ConductorAlreadyRunningException(home, ConductorRecord.ReadRunning(home)?.ConductorPid, exception);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}

/// <summary>A conductor already runs for this home.</summary>
/// <param name="home">The home.</param>
/// <param name="pid">The running conductor's process id, when its record says.</param>
/// <param name="inner">The failure to take the lock.</param>
public sealed class ConductorAlreadyRunningException(O4OHome home, int? pid, Exception inner)
    : Exception($"A conductor is already running for {home.Root} (pid {pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}).", inner)
{
    /// <summary>The home.</summary>
    public string Home { get; } = home.Root;

    /// <summary>The running conductor's process id, when known.</summary>
    public int? Pid { get; } = pid;
}

using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Configuration;

/// <summary>The <c>Supervision</c> section: how the conductor watches and restarts its children.</summary>
public sealed class SupervisionOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Supervision";

    /// <summary>How often each component is probed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a probe may take before it counts as failed (a hung process is caught by this).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failed probes that make a component failed.</summary>
    [Range(1, int.MaxValue)]
    public int FailureThreshold { get; set; } = 3;

    /// <summary>Consecutive healthy probes that make a failed component recovered (no flapping).</summary>
    [Range(1, int.MaxValue)]
    public int RecoveryThreshold { get; set; } = 2;

    /// <summary>The first restart's back-off; it doubles with each restart up to <see cref="MaximumBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest back-off between restarts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan MaximumBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A component that ran this long since its last restart starts again from <see cref="InitialBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Restarts within <see cref="CrashLoopWindow"/> after which restarting stops (a crash loop).</summary>
    [Range(1, int.MaxValue)]
    public int CrashLoopRestarts { get; set; } = 5;

    /// <summary>The window in which <see cref="CrashLoopRestarts"/> are counted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan CrashLoopWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a graceful stop (SIGTERM) may take before SIGKILL.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Settings for the platform only.</summary>
    public PlatformSupervisionOptions Platform { get; set; } = new();
}

/// <summary>The <c>Supervision:Platform</c> section.</summary>
public sealed class PlatformSupervisionOptions
{
    /// <summary>Resident memory in bytes above which the platform is restarted gracefully; null for no limit.</summary>
    public long? MemoryLimit { get; set; }
}

using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// Whether the conductor may act on a failure: the AutoRecovery switch (persisted in <c>state.db</c>, with who set it)
/// and the components paused by a maintenance window or a restore. Every change is a <see cref="RecoveryEventKind.Switch"/> event.
/// </summary>
public sealed class RecoveryGate
{
    private readonly Settings _settings;
    private readonly IRecoveryJournal _journal;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, string> _paused = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RecoveryGate(Settings settings, IRecoveryJournal journal, TimeProvider time, SettingValue autoRecovery)
    {
        _settings = settings;
        _journal = journal;
        _time = time;
        AutoRecovery = autoRecovery;
    }

    /// <summary>The AutoRecovery switch as stored: <c>on</c> or <c>off</c>, who switched it and when.</summary>
    public SettingValue AutoRecovery { get; private set; }

    /// <summary>True when AutoRecovery is on.</summary>
    public bool Enabled => AutoRecovery.Value == "on";

    /// <summary>Components paused, with why (maintenance by whom, restore of which archive).</summary>
    public IReadOnlyDictionary<string, string> Paused
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, string>(_paused);
            }
        }
    }

    /// <summary>Completes at the next change of the switch or of a pause.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Reads the stored switch (on when never set).</summary>
    public static async Task<RecoveryGate> LoadAsync(Settings settings, IRecoveryJournal journal, TimeProvider time, CancellationToken cancellationToken) =>
        new(settings, journal, time, await settings.GetAsync(Settings.AutoRecovery, "on", cancellationToken));

    /// <summary>True when the conductor may restart or restore <paramref name="component"/> now.</summary>
    public bool MayRecover(string component) => Enabled && PauseReason(component) is null;

    /// <summary>Why <paramref name="component"/> is paused, or null.</summary>
    public string? PauseReason(string component)
    {
        lock (_lock)
        {
            return _paused.TryGetValue(component, out var reason) || _paused.TryGetValue(AllComponents, out reason) ? reason : null;
        }
    }

    /// <summary>Pause key meaning every component.</summary>
    public const string AllComponents = "*";

    /// <summary>Switches AutoRecovery on or off for <paramref name="actor"/>, persisted and recorded.</summary>
    public async Task SetAutoRecoveryAsync(bool enabled, string actor, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var value = enabled ? "on" : "off";
        await _settings.SetAsync(Settings.AutoRecovery, value, actor, now, cancellationToken);
        AutoRecovery = new SettingValue(value, actor, now);
        await _journal.RecordAsync(new RecoveryEvent(now, "conductor", RecoveryEventKind.Switch, $"AutoRecovery switched {value}",
            enabled ? "failures are restarted and restored again" : "failures are detected and recorded, nothing is restarted or restored",
            "switched", Actor: actor), cancellationToken);
        Signal();
    }

    /// <summary>Pauses (or resumes) recovery of <paramref name="component"/> (or <see cref="AllComponents"/>) and records it.</summary>
    public async Task SetPausedAsync(string component, bool paused, string reason, string actor, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (paused)
            {
                _paused[component] = reason;
            }
            else
            {
                _paused.Remove(component);
            }
        }

        var name = component == AllComponents ? "conductor" : component;
        await _journal.RecordAsync(new RecoveryEvent(_time.GetUtcNow(), name, RecoveryEventKind.Switch,
            paused ? $"{reason} began" : $"{reason} ended",
            paused ? "restarts paused" : "restarts resumed", paused ? "paused" : "resumed", Actor: actor), cancellationToken);
        Signal();
    }

    private void Signal()
    {
        lock (_lock)
        {
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}

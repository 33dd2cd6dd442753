using System.Globalization;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Containment;

/// <summary>
/// A token that is cancelled the moment the shop is isolated, for work that sends data off the machine while it runs (an
/// upload's parts in flight): checking <see cref="Isolation.IsOn"/> between steps alone lets a step begun before the
/// isolation send all its bytes after it. The flag file's creation is watched (inotify), with a poll as a backstop for a
/// missed or overflowed notification; where no inotify watch can be had (the user's watches or instances used up by other
/// programs) the poll alone stands in, and <see cref="PollingOnly"/> says why, for the caller to warn.
/// </summary>
internal sealed class IsolationWatch : IDisposable
{
    private static readonly TimeSpan _poll = TimeSpan.FromMilliseconds(250);

    private readonly O4OHome _home;
    private readonly CancellationTokenSource _isolated;
    private readonly FileSystemWatcher _watcher;
    private readonly ITimer _timer;

    /// <summary>Watches <paramref name="home"/>'s flag file; the token also follows <paramref name="stop"/>.</summary>
    public IsolationWatch(O4OHome home, TimeProvider time, CancellationToken stop)
    {
        _home = home;
        _isolated = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _watcher = new FileSystemWatcher(home.Root, Path.GetFileName(Isolation.FlagFile(home))) { NotifyFilter = NotifyFilters.FileName };
        _watcher.Created += (_, _) => Check();
        _watcher.Renamed += (_, _) => Check();
        // A watch the kernel refuses (fs.inotify.max_user_watches reached) is reported on the Error event, an instance it
        // refuses (max_user_instances) by the start itself: either way the upload must not fail for it, only see an
        // isolation up to a poll later.
        _watcher.Error += (_, failed) => PollOnly(failed.GetException());
        try
        {
            _watcher.EnableRaisingEvents = true;
        }
        catch (IOException exhausted)
        {
            PollOnly(exhausted);
        }

        _timer = time.CreateTimer(_ => Check(), null, TimeSpan.Zero, _poll);
    }

    /// <summary>Why the flag is only polled (no inotify watch could be had), or null while it is watched.</summary>
    public string? PollingOnly { get; private set; }

    /// <summary>Cancelled once the shop is isolated (or <c>stop</c> is).</summary>
    public CancellationToken Token => _isolated.Token;

    /// <summary>True once the shop is isolated: what a cancellation of <see cref="Token"/> meant, when <c>stop</c> was not cancelled.</summary>
    public bool Isolated { get; private set; }

    /// <summary>Looks at the flag now (before a step that would send data) and cancels <see cref="Token"/> when it is set.</summary>
    public void Check()
    {
        if (Isolated || !Isolation.IsOn(_home))
        {
            return;
        }

        Isolated = true;
        try
        {
            _isolated.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The watched work ended meanwhile: nothing left to stop.
        }
    }

    // An overflowed event queue (InternalBufferOverflowException, not an IOException) loses events, not the watch.
    private void PollOnly(Exception why)
    {
        if (why is IOException)
        {
            PollingOnly ??= string.Create(CultureInfo.InvariantCulture, $"the isolation flag is polled every {_poll.TotalMilliseconds:0} ms, not watched: {why.Message}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timer.Dispose();
        _watcher.Dispose();
        _isolated.Dispose();
    }
}

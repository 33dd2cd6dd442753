using System.Globalization;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Dashboard;

/// <summary>
/// Refused dashboard sign-ins, as one event per address per hour whose text carries the count: a flood of bad tokens
/// must not add a row each to <c>state.db</c> (the sign-in limit keeps the flood small; this keeps it one row).
/// A restarted conductor starts new rows, which is fine: it is a handful.
/// </summary>
internal sealed class FailedSignIns(EventLog events, TimeProvider time)
{
    /// <summary>How long one address's refusals go into one row.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Dictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    /// <summary>Records a refused sign-in from <paramref name="address"/>.</summary>
    public async Task RecordAsync(string address, CancellationToken cancellationToken)
    {
        Tally? tally;
        var first = false;
        lock (_tallies)
        {
            var now = time.GetUtcNow();
            foreach (var stale in _tallies.Where(pair => now - pair.Value.Since >= Window).Select(pair => pair.Key).ToList())
            {
                _tallies.Remove(stale);
            }

            if (_tallies.TryGetValue(address, out tally))
            {
                tally.Count++;
            }
            else
            {
                // The row is added once per address and window; a refusal arriving meanwhile waits for its id below.
                var refused = new RecoveryEvent(now, "dashboard", RecoveryEventKind.Note, $"dashboard sign-in refused from {address}", Actor: "unknown");
                _tallies[address] = tally = new Tally(events.AddAsync(refused, CancellationToken.None), now);
                first = true;
            }
        }

        var id = await tally.EventId;
        if (first)
        {
            return;
        }

        // Each revision writes the count as it is when written, so the last one written holds the highest.
        var since = tally.Since.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        await events.ReviseAsync(id, $"dashboard sign-in refused from {address} ({tally.Count} times since {since} UTC)", cancellationToken);
    }

    private sealed class Tally(Task<long> eventId, DateTimeOffset since)
    {
        private int _count = 1;

        public Task<long> EventId { get; } = eventId;

        public DateTimeOffset Since { get; } = since.ToUniversalTime();

        public int Count
        {
            get => Volatile.Read(ref _count);
            set => Volatile.Write(ref _count, value);
        }
    }
}

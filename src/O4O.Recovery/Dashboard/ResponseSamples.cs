namespace O4O.Recovery.Dashboard;

/// <summary>One probe of a component for the chart.</summary>
/// <param name="At">When.</param>
/// <param name="Milliseconds">The response time; null when it did not answer.</param>
/// <param name="Error">Why it failed; null when healthy.</param>
internal sealed record ResponseSample(DateTimeOffset At, double? Milliseconds, string? Error);

/// <summary>The last hour of probes per component, in memory: fixed-size rings, so memory stays flat however long it runs.</summary>
internal sealed class ResponseSamples(int capacity)
{
    private readonly Dictionary<string, Queue<ResponseSample>> _rings = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="sample"/> for <paramref name="component"/>, dropping the oldest when full.</summary>
    public void Add(string component, ResponseSample sample)
    {
        lock (_rings)
        {
            if (!_rings.TryGetValue(component, out var ring))
            {
                _rings[component] = ring = new Queue<ResponseSample>(capacity);
            }

            if (ring.Count == capacity)
            {
                ring.Dequeue();
            }

            ring.Enqueue(sample);
        }
    }

    /// <summary>Every component's samples, oldest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ResponseSample>> All()
    {
        lock (_rings)
        {
            return _rings.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<ResponseSample>)pair.Value.ToList(), StringComparer.Ordinal);
        }
    }

    /// <summary>The newest sample of <paramref name="component"/>, or null.</summary>
    public ResponseSample? Latest(string component)
    {
        lock (_rings)
        {
            return _rings.TryGetValue(component, out var ring) && ring.Count > 0 ? ring.Last() : null;
        }
    }
}

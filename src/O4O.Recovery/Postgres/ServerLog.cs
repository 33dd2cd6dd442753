using System.Collections.Concurrent;

namespace O4O.Recovery.Postgres;

/// <summary>The last lines the server wrote before its logging collector took over: what explains a failed start.</summary>
internal sealed class ServerLog
{
    private const int Capacity = 50;
    private readonly ConcurrentQueue<string> _lines = new();

    public string? LastMeaningfulLine =>
        _lines.Reverse().FirstOrDefault(line => line.Contains("FATAL", StringComparison.Ordinal) || line.Contains("ERROR", StringComparison.Ordinal))
        ?? _lines.LastOrDefault();

    public void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    public void Clear() => _lines.Clear();
}

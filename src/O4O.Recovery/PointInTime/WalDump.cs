using System.Diagnostics;
using O4O.Recovery.Postgres;
using O4O.Recovery.Processes;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Reads WAL records with pg_waldump, line by line: a day of a busy shop's WAL prints hundreds of megabytes, so nothing
/// is held but what the caller keeps. Filters (<c>--rmgr</c>, <c>--relation</c>, <c>--xid</c>) run inside pg_waldump,
/// which skips the rest far faster than parsing it would.
/// </summary>
internal static class WalDump
{
    // How pg_waldump reports a record it cannot read: past the last one written (zeroes, or a recycled segment's old
    // contents) this is the end of the WAL, which is also where PostgreSQL's own replay stops. A missing segment is
    // reported differently ("could not find file"), and WalRange never asks for one.
    private const string EndOfWal = "error in WAL record at";

    /// <summary>Hands every record in <paramref name="range"/> that passes <paramref name="filters"/> to <paramref name="record"/>.</summary>
    /// <exception cref="WalDumpException">pg_waldump failed other than by reaching the end of the WAL.</exception>
    public static async Task ReadAsync(PostgresBinaries binaries, WalRange range, IEnumerable<string> filters, Action<WalRecord> record,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(binaries.WalDump)
        {
            ArgumentList =
            {
                $"--path={range.Directory}", $"--timeline={range.Timeline}", $"--start={range.Start}", $"--end={range.End}",
            },
        };
        foreach (var filter in filters)
        {
            start.ArgumentList.Add(filter);
        }

        // Commit times are printed in pg_waldump's local time zone, named by abbreviation: UTC reads back unambiguously.
        start.Environment["TZ"] = "UTC";
        var result = await CommandRunner.StreamAsync(start, line =>
        {
            if (WalRecord.Parse(line) is { } parsed)
            {
                record(parsed);
            }
        }, cancellationToken);
        if (result.ExitCode != 0 && !result.StandardError.Contains(EndOfWal, StringComparison.Ordinal))
        {
            // Its error line, not the hint it may print after it.
            var error = result.StandardError.Split('\n').FirstOrDefault(line => line.StartsWith("pg_waldump: error:", StringComparison.Ordinal));
            throw new WalDumpException($"pg_waldump failed reading {range.Directory} from {range.Start}: {error ?? result.LastErrorLine}");
        }
    }
}

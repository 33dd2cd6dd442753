using System.Globalization;
using System.Text.RegularExpressions;

namespace O4O.Recovery.PointInTime;

/// <summary>One WAL record as pg_waldump prints it (<c>rmgr: Heap len (rec/tot): 54/54, tx: 729, lsn: 0/0155C838, prev …, desc: DELETE …</c>).</summary>
/// <param name="ResourceManager">The part of PostgreSQL that wrote it: <c>Heap</c>, <c>Transaction</c>, <c>Storage</c>, <c>XLOG</c>.</param>
/// <param name="Xid">The transaction (or subtransaction) that wrote it; 0 for none.</param>
/// <param name="Lsn">Where the record starts.</param>
/// <param name="Description">What it does, and the blocks it references (<c>blkref #0: rel 1663/5/16385 blk 0</c>).</param>
internal sealed partial record WalRecord(string ResourceManager, uint Xid, Lsn Lsn, string Description)
{
    /// <summary>Reads one line of pg_waldump's output; null for a line that is not a record.</summary>
    public static WalRecord? Parse(string line)
    {
        var match = RecordLine().Match(line);
        return match.Success
            && uint.TryParse(match.Groups["xid"].ValueSpan, CultureInfo.InvariantCulture, out var xid)
            && Lsn.TryParse(match.Groups["lsn"].Value, out var lsn)
                ? new WalRecord(match.Groups["rmgr"].Value, xid, lsn, match.Groups["desc"].Value)
                : null;
    }

    /// <summary>The blocks the record changes: file and block number.</summary>
    public IEnumerable<(RelationFile File, uint Block)> Blocks() =>
        BlockReference().Matches(Description)
            .Select(match => (Ok: RelationFile.TryParse(match.Groups["rel"].Value, out var file), File: file,
                Block: uint.Parse(match.Groups["blk"].ValueSpan, CultureInfo.InvariantCulture)))
            .Where(reference => reference.Ok)
            .Select(reference => (reference.File, reference.Block));

    [GeneratedRegex(@"^rmgr: (?<rmgr>\S+)\s.*?, tx:\s*(?<xid>\d+), lsn: (?<lsn>[0-9A-F]+/[0-9A-F]+), .*?desc: (?<desc>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex RecordLine();

    [GeneratedRegex(@"blkref #\d+: rel (?<rel>\d+/\d+/\d+)(?: fork \w+)? blk (?<blk>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex BlockReference();
}

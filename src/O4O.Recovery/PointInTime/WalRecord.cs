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
    /// <remarks>By hand, not by regular expression: a table emptied of two million rows prints two million lines.</remarks>
    public static WalRecord? Parse(string line)
    {
        var text = line.AsSpan();
        var nameEnd = text.Length > Prefix.Length ? text[Prefix.Length..].IndexOf(' ') : -1;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || nameEnd <= 0
            || !TryField(text, ", tx:", out var xidText) || !uint.TryParse(xidText, CultureInfo.InvariantCulture, out var xid)
            || !TryField(text, ", lsn:", out var lsnText) || !Lsn.TryParse(lsnText, out var lsn)
            || text.IndexOf(", desc: ", StringComparison.Ordinal) is var desc && desc < 0)
        {
            return null;
        }

        return new WalRecord(ResourceManagerName(text.Slice(Prefix.Length, nameEnd)), xid, lsn, line[(desc + ", desc: ".Length)..]);
    }

    private const string Prefix = "rmgr: ";

    // The text after a label up to the next comma, spaces trimmed (pg_waldump pads the numbers).
    private static bool TryField(ReadOnlySpan<char> text, string label, out ReadOnlySpan<char> value)
    {
        var start = text.IndexOf(label, StringComparison.Ordinal);
        var rest = start < 0 ? [] : text[(start + label.Length)..];
        var end = rest.IndexOf(',');
        value = (end < 0 ? rest : rest[..end]).Trim();
        return start >= 0;
    }

    // The few names the finder asks for are shared rather than allocated for each of millions of lines.
    private static string ResourceManagerName(ReadOnlySpan<char> name) => name switch
    {
        "Heap" => "Heap",
        "Heap2" => "Heap2",
        "Transaction" => "Transaction",
        "Storage" => "Storage",
        "XLOG" => "XLOG",
        _ => name.ToString(),
    };

    /// <summary>The blocks the record changes: file and block number.</summary>
    public IEnumerable<(RelationFile File, uint Block)> Blocks() =>
        BlockReference().Matches(Description)
            .Select(match => (Ok: RelationFile.TryParse(match.Groups["rel"].Value, out var file), File: file,
                Block: uint.Parse(match.Groups["blk"].ValueSpan, CultureInfo.InvariantCulture)))
            .Where(reference => reference.Ok)
            .Select(reference => (reference.File, reference.Block));

    [GeneratedRegex(@"blkref #\d+: rel (?<rel>\d+/\d+/\d+)(?: fork \w+)? blk (?<blk>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex BlockReference();
}

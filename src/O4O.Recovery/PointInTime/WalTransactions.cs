namespace O4O.Recovery.PointInTime;

/// <summary>
/// What one pass over the Transaction, Storage and XLOG records tells about transactions: their commits, and whether a
/// transaction that removed a table's file at commit left the table empty (a TRUNCATE) or copied its rows into new
/// files (VACUUM FULL, CLUSTER, an ALTER TABLE that rewrites: no data lost).
/// </summary>
internal sealed class WalTransactions
{
    private const string Create = "CREATE ";

    private readonly List<WalCommit> _commits = [];
    private readonly Dictionary<uint, HashSet<RelationFile>> _created = [];
    private readonly HashSet<uint> _filledNewFiles = [];
    private readonly Dictionary<uint, WalCommit> _commitOf = [];

    /// <summary>Every commit read, in WAL order.</summary>
    public IReadOnlyList<WalCommit> Commits => _commits;

    /// <summary>Takes in one record of the pass (<c>--rmgr=Transaction --rmgr=Storage --rmgr=XLOG</c>).</summary>
    public void Add(WalRecord record)
    {
        if (WalCommit.TryParse(record) is { } commit)
        {
            _commits.Add(commit);
            foreach (var xid in commit.Subtransactions.Append(commit.Xid))
            {
                _commitOf[xid] = commit;
            }
        }
        else if (record.ResourceManager == "Storage" && record.Description.StartsWith(Create, StringComparison.Ordinal)
            && RelationFile.TryParsePath(record.Description[Create.Length..].Trim(), out var file))
        {
            _created.TryAdd(record.Xid, []);
            _created[record.Xid].Add(file);
        }
        else if (record.ResourceManager == "XLOG" && _created.TryGetValue(record.Xid, out var files)
            && record.Blocks().Any(block => block.Block > 0 && files.Contains(block.File)))
        {
            // A rewrite writes the table's rows into its new files as page images. A TRUNCATE writes into its new files
            // only the empty indexes' first page (a B-tree's metapage, block 0): the platform's indexes are all B-trees.
            _filledNewFiles.Add(record.Xid);
        }
    }

    /// <summary>The commit of a transaction or of the transaction a subtransaction belongs to; null when it never committed.</summary>
    public WalCommit? CommitOf(uint xid) => _commitOf.GetValueOrDefault(xid);

    /// <summary>True when the transaction (or one of its subtransactions) created files in <paramref name="database"/>.</summary>
    public bool CreatedFiles(WalCommit commit, uint database) => Created(commit).Any(file => file.Database == database);

    /// <summary>True when the transaction (or one of its subtransactions) created <paramref name="file"/>.</summary>
    public bool Created(WalCommit commit, RelationFile file) => Created(commit).Contains(file);

    /// <summary>True when the transaction wrote pages of data into files it created: it rewrote tables, it did not empty them.</summary>
    public bool Rewrote(WalCommit commit) => Members(commit).Any(_filledNewFiles.Contains);

    private IEnumerable<RelationFile> Created(WalCommit commit) =>
        Members(commit).SelectMany(xid => _created.TryGetValue(xid, out var files) ? files : []);

    private static IEnumerable<uint> Members(WalCommit commit) => commit.Subtransactions.Append(commit.Xid);
}

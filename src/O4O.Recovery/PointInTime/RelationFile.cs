using System.Globalization;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// A relation's data file as WAL names it: tablespace, database and relfilenode oids (<c>pg_class.relfilenode</c>, which
/// changes when a table is truncated or rewritten, unlike its oid).
/// </summary>
internal readonly record struct RelationFile(uint Tablespace, uint Database, uint FileNode)
{
    private const uint DefaultTablespace = 1663;
    private const uint GlobalTablespace = 1664;

    /// <summary>As <c>pg_waldump --relation</c> takes it and block references show it: <c>1663/5/16385</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Tablespace}/{Database}/{FileNode}");

    /// <summary>
    /// Reads a file path as commit records (<c>rels:</c>) and storage records print it: <c>base/5/16385</c>,
    /// <c>global/1262</c>, or <c>pg_tblspc/16400/PG_15_202209061/5/16385</c>.
    /// </summary>
    public static bool TryParsePath(string path, out RelationFile file)
    {
        file = default;
        var parts = path.Split('/');
        return parts switch
        {
            ["base", var database, var node] => TryCreate(DefaultTablespace, database, node, out file),
            ["global", var node] => TryCreate(GlobalTablespace, "0", node, out file),
            ["pg_tblspc", var tablespace, _, var database, var node] when uint.TryParse(tablespace, CultureInfo.InvariantCulture, out var oid) =>
                TryCreate(oid, database, node, out file),
            _ => false,
        };
    }

    /// <summary>Reads <c>1663/5/16385</c>, as block references print it.</summary>
    public static bool TryParse(string text, out RelationFile file)
    {
        file = default;
        var parts = text.Split('/');
        return parts.Length == 3 && uint.TryParse(parts[0], CultureInfo.InvariantCulture, out var tablespace)
            && TryCreate(tablespace, parts[1], parts[2], out file);
    }

    private static bool TryCreate(uint tablespace, string database, string node, out RelationFile file)
    {
        var ok = uint.TryParse(database, CultureInfo.InvariantCulture, out var databaseOid) & uint.TryParse(node, CultureInfo.InvariantCulture, out var nodeOid);
        file = new RelationFile(tablespace, databaseOid, nodeOid);
        return ok;
    }
}

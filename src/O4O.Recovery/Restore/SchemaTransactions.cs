using System.Text;

namespace O4O.Recovery.Restore;

/// <summary>
/// A dump's schema section as psql runs it: its objects in transactions of <see cref="ObjectsPerTransaction"/>. Each
/// statement committed on its own made creating a thousand tables four times as slow (bench/pitr.sh, many tables);
/// one transaction per batch rather than one for all keeps the locks a transaction holds well inside the server's
/// lock table however many tables there are. A failed statement still stops the load, and the copy is dropped.
/// </summary>
internal static class SchemaTransactions
{
    private const int ObjectsPerTransaction = 100;

    /// <summary><paramref name="schema"/> with <c>BEGIN</c> and <c>COMMIT</c> between its objects (the session settings before them stay outside).</summary>
    public static string Batched(string schema)
    {
        var entries = PostData.Split(schema);
        var batched = new StringBuilder(schema.Length + (entries.Count / ObjectsPerTransaction * 16) + 16).Append(entries[0].Sql);
        for (var start = 1; start < entries.Count; start += ObjectsPerTransaction)
        {
            batched.Append("BEGIN;\n");
            foreach (var (_, sql) in entries.Skip(start).Take(ObjectsPerTransaction))
            {
                batched.Append(sql);
            }

            batched.Append("COMMIT;\n");
        }

        return batched.ToString();
    }
}

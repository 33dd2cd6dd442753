using Dapper;
using Microsoft.Data.Sqlite;

namespace O4O.Recovery.State;

/// <summary>An archive's off-site copy as <c>state.db</c> knows it.</summary>
/// <param name="Name">The archive's file name.</param>
/// <param name="ObjectKey">The object's key in the bucket.</param>
/// <param name="UploadId">The multipart upload that makes it.</param>
/// <param name="PartSize">The bytes per part (the last may be shorter).</param>
/// <param name="Size">The sealed object's size.</param>
/// <param name="Sha256">The sealed object's SHA-256.</param>
/// <param name="LockUntil">Its Object Lock retain-until date; null when the bucket has no Object Lock.</param>
/// <param name="StartedAt">When its upload started.</param>
/// <param name="CompletedAt">When it was completed and checked; null while it is not a copy to trust.</param>
public sealed record OffsiteCopy(string Name, string ObjectKey, string UploadId, long PartSize, long Size, string Sha256,
    DateTimeOffset? LockUntil, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt)
{
    /// <summary>True once the object was completed and its size and SHA-256 checked.</summary>
    public bool Complete => CompletedAt is not null;
}

/// <summary>
/// The off-site copies in <c>state.db</c> (<c>offsite_copies</c>, <c>offsite_parts</c>): the resume state of each upload and,
/// once checked, the copy. Only a completed row is an off-site copy.
/// </summary>
public sealed class OffsiteCopies
{
    private const string Columns = """
        name, object_key AS ObjectKey, upload_id AS UploadId, part_size AS PartSize, size, sha256, lock_until AS LockUntil,
        started_at AS StartedAt, completed_at AS CompletedAt
        """;

    private readonly string _path;

    /// <summary>Opens (and creates) the table in <paramref name="stateDatabase"/>.</summary>
    public OffsiteCopies(string stateDatabase)
    {
        _path = stateDatabase;
        StateDatabase.Prepare(stateDatabase);
    }

    /// <summary>Every row, complete or not, by name.</summary>
    public IReadOnlyList<OffsiteCopy> All()
    {
        using var connection = Open();
        return connection.Query<CopyRow>($"SELECT {Columns} FROM offsite_copies ORDER BY name").Select(row => row.ToCopy()).ToList();
    }

    /// <summary>The row of <paramref name="name"/>, complete or not; null when no upload of it ever started.</summary>
    public OffsiteCopy? Find(string name)
    {
        using var connection = Open();
        return connection.QuerySingleOrDefault<CopyRow>($"SELECT {Columns} FROM offsite_copies WHERE name = @name", new { name })?.ToCopy();
    }

    /// <summary>Records a new multipart upload of <paramref name="copy"/>'s archive, replacing any earlier one and its parts.</summary>
    public void Begin(OffsiteCopy copy)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        connection.Execute("DELETE FROM offsite_parts WHERE name = @Name; DELETE FROM offsite_copies WHERE name = @Name", new { copy.Name }, transaction);
        connection.Execute("""
            INSERT INTO offsite_copies (name, object_key, upload_id, part_size, size, sha256, lock_until, started_at)
            VALUES (@Name, @ObjectKey, @UploadId, @PartSize, @Size, @Sha256, @lock, @started)
            """,
            new { copy.Name, copy.ObjectKey, copy.UploadId, copy.PartSize, copy.Size, copy.Sha256, @lock = copy.LockUntil?.ToUnixTimeMilliseconds(), started = copy.StartedAt.ToUnixTimeMilliseconds() },
            transaction);
        transaction.Commit();
    }

    /// <summary>The parts of <paramref name="name"/>'s upload the server acknowledged: number and ETag.</summary>
    public IReadOnlyDictionary<int, string> Parts(string name)
    {
        using var connection = Open();
        return connection.Query<(long Number, string ETag)>("SELECT number, etag FROM offsite_parts WHERE name = @name", new { name })
            .ToDictionary(part => (int)part.Number, part => part.ETag);
    }

    /// <summary>Records a part the server acknowledged with the ETag that matched its MD5.</summary>
    public void AddPart(string name, int number, string etag)
    {
        using var connection = Open();
        connection.Execute("INSERT OR REPLACE INTO offsite_parts (name, number, etag) VALUES (@name, @number, @etag)", new { name, number, etag });
    }

    /// <summary>Marks <paramref name="name"/>'s copy complete: the object exists with the size and SHA-256 recorded.</summary>
    public void Complete(string name, DateTimeOffset at)
    {
        using var connection = Open();
        connection.Execute("UPDATE offsite_copies SET completed_at = @at WHERE name = @name; DELETE FROM offsite_parts WHERE name = @name",
            new { name, at = at.ToUnixTimeMilliseconds() });
    }

    /// <summary>Forgets <paramref name="name"/>'s copy (deleted off-site, or its upload abandoned).</summary>
    public void Forget(string name)
    {
        using var connection = Open();
        connection.Execute("DELETE FROM offsite_parts WHERE name = @name; DELETE FROM offsite_copies WHERE name = @name", new { name });
    }

    private SqliteConnection Open() => StateDatabase.Open(_path);

    private sealed record CopyRow(string Name, string ObjectKey, string UploadId, long PartSize, long Size, string Sha256, long? LockUntil, long StartedAt, long? CompletedAt)
    {
        public OffsiteCopy ToCopy() => new(Name, ObjectKey, UploadId, PartSize, Size, Sha256, Time(LockUntil), DateTimeOffset.FromUnixTimeMilliseconds(StartedAt), Time(CompletedAt));

        private static DateTimeOffset? Time(long? milliseconds) => milliseconds is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;
    }
}

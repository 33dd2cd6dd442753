using Npgsql;

namespace O4O.Recovery.Releases;

/// <summary>
/// Whether the code of an earlier release may run on the database the current one migrated: every migration the
/// current release has and the target lacks must be marked backward-compatible
/// (<see cref="MigrationScripts.BackwardCompatibleMarker"/>), unless the database does not hold it (it was restored to a
/// point before it ran). Otherwise the earlier code would meet a schema it was not written for.
/// </summary>
public static class RollbackCheck
{
    /// <summary>
    /// The migrations that forbid going from <paramref name="current"/> back to <paramref name="target"/>: in current, not in
    /// target, not backward-compatible, and applied to the database (<paramref name="applied"/>; null when it could not be
    /// asked, which counts every one as applied).
    /// </summary>
    public static IReadOnlyList<string> Blocking(Release current, Release target, IReadOnlySet<string>? applied)
    {
        var known = target.Manifest.Migrations.Select(migration => migration.Name).ToHashSet(StringComparer.Ordinal);
        return [.. current.Manifest.Migrations
            .Where(migration => !migration.BackwardCompatible && !known.Contains(migration.Name))
            .Where(migration => applied is null || applied.Contains(migration.Name))
            .Select(migration => migration.Name)];
    }

    /// <summary>
    /// The release after <paramref name="target"/> that first brought one of <paramref name="blocking"/>: its backup, taken
    /// just before those migrations ran, is the point to restore the database to.
    /// </summary>
    public static Release? IntroducedBy(IReadOnlyList<Release> releases, Release target, IReadOnlyList<string> blocking) =>
        releases.SkipWhile(release => release.Name != target.Name).Skip(1)
            .FirstOrDefault(release => release.Manifest.NewMigrations.Any(blocking.Contains));

    /// <summary>The DbUp scripts the database has applied (<c>schemaversions</c>), or null when it cannot be asked.</summary>
    public static async Task<IReadOnlySet<string>?> AppliedAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT scriptname FROM public.schemaversions", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return null;
        }
    }
}

using Npgsql;

namespace O4O.Recovery.Postgres;

/// <summary>
/// The role the platform connects as on the managed cluster: it owns the platform's database and everything in it,
/// and is neither superuser nor allowed to create databases or roles. A flaw in the platform then reaches its own
/// data only, not the server (<c>COPY … TO PROGRAM</c>, other databases, other roles). Maintenance that needs more
/// (backups, restores, the swap) keeps connecting as the superuser from the CLI and the conductor.
/// </summary>
internal static class OwnerRole
{
    /// <summary>The role's name.</summary>
    public const string Name = "o4o_app";

    // Objects a superuser created (every object, before this role existed; a restore's, whose dump an older version
    // made) are handed over. A sequence behind an identity or serial column follows its table and cannot be moved alone.
    private const string HandOverObjects = """
        DO $$
        DECLARE
          object record;
        BEGIN
          FOR object IN
            SELECT format('SCHEMA %I', n.nspname) AS name FROM pg_namespace n
            WHERE n.nspowner IN (SELECT oid FROM pg_roles WHERE rolsuper) AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
            UNION ALL
            SELECT format('TABLE %s', c.oid::regclass) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relowner IN (SELECT oid FROM pg_roles WHERE rolsuper) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
            UNION ALL
            SELECT format('ROUTINE %s', p.oid::regprocedure) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE p.proowner IN (SELECT oid FROM pg_roles WHERE rolsuper) AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            UNION ALL
            SELECT format(CASE t.typtype WHEN 'd' THEN 'DOMAIN %s' ELSE 'TYPE %s' END, t.oid::regtype) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typowner IN (SELECT oid FROM pg_roles WHERE rolsuper) AND t.typtype IN ('e', 'd', 'r')
              AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
          LOOP
            EXECUTE format('ALTER %s OWNER TO %I', object.name, 'o4o_app');
          END LOOP;
        END $$
        """;

    /// <summary>Creates the role, or puts it back as it must be (no superuser, no CREATEDB, no CREATEROLE), with <paramref name="password"/>.</summary>
    /// <param name="admin">A superuser connection.</param>
    /// <param name="password">The role's password, kept in <c>secrets/</c>.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    public static async Task EnsureAsync(NpgsqlConnection admin, string password, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", admin) { Parameters = { new() { Value = Name } } };
        var verb = await exists.ExecuteScalarAsync(cancellationToken) is null ? "CREATE" : "ALTER";
        // A role's password cannot be bound as a parameter; it is generated hex, quoted all the same.
        await ExecuteAsync(admin, $"{verb} ROLE {Name} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'", cancellationToken);
    }

    /// <summary>
    /// Makes the role the owner of <paramref name="database"/> and of every object in it a superuser owns. Does nothing
    /// on a server without the role (an external one, whose connection string names its own user).
    /// </summary>
    /// <param name="admin">A superuser connection to any database of the server.</param>
    /// <param name="inDatabase">A superuser connection string to <paramref name="database"/> itself.</param>
    /// <param name="database">The database to hand over.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    public static async Task HandOverAsync(NpgsqlConnection admin, string inDatabase, string database, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", admin) { Parameters = { new() { Value = Name } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            return;
        }

        await ExecuteAsync(admin, $"ALTER DATABASE {ManagedCluster.QuoteIdentifier(database)} OWNER TO {Name}", cancellationToken);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(inDatabase) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, HandOverObjects, cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

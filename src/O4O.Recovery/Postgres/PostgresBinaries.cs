namespace O4O.Recovery.Postgres;

/// <summary>Finds the PostgreSQL server programs (initdb, postgres, psql, pg_dump).</summary>
/// <param name="BinDirectory">The directory holding initdb and postgres.</param>
public sealed record PostgresBinaries(string BinDirectory)
{
    /// <summary>Path of <c>initdb</c>.</summary>
    public string Initdb => Path.Combine(BinDirectory, "initdb");

    /// <summary>Path of the <c>postgres</c> server.</summary>
    public string Postgres => Path.Combine(BinDirectory, "postgres");

    /// <summary>Path of <c>pg_waldump</c>, which prints the records of WAL segment files.</summary>
    public string WalDump => Path.Combine(BinDirectory, "pg_waldump");

    /// <summary>Path of a client program of the same version, e.g. <c>psql</c> or <c>pg_dump</c>.</summary>
    public string Tool(string name) => Path.Combine(BinDirectory, name);

    /// <summary>
    /// Looks in <paramref name="configured"/>, then Debian's versioned directories (newest first), then PATH.
    /// </summary>
    /// <exception cref="PostgresNotInstalledException">No directory holds both initdb and postgres.</exception>
    public static PostgresBinaries Locate(string? configured = null)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured))
        {
            candidates.Add(configured);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(VersionOf)
                .Select(versionDirectory => Path.Combine(versionDirectory, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));

        foreach (var directory in candidates)
        {
            var binaries = new PostgresBinaries(directory);
            if (File.Exists(binaries.Initdb) && File.Exists(binaries.Postgres))
            {
                return binaries;
            }
        }

        throw new PostgresNotInstalledException();
    }

    private static int VersionOf(string versionDirectory) =>
        int.TryParse(Path.GetFileName(versionDirectory), out var version) ? version : 0;
}

/// <summary>The PostgreSQL server programs are not installed.</summary>
public sealed class PostgresNotInstalledException()
    : Exception("initdb was not found: install the PostgreSQL 15 server (apt-get install -y postgresql-15) or set O4O__Database__ConnectionString.");

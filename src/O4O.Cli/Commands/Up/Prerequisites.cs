using System.Diagnostics;
using System.Runtime.InteropServices;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;
using O4O.Recovery.Processes;

namespace O4O.Cli.Commands;

/// <summary>A Debian package <c>o4o up</c> needs on this machine, and why (said to the person it is installed for).</summary>
/// <param name="Package">The package's name.</param>
/// <param name="Why">What it is for.</param>
/// <param name="Required">False for what only makes something faster: without it <c>o4o up</c> still runs.</param>
internal sealed record Prerequisite(string Package, string Why, bool Required = true);

/// <summary>What this machine has, as far as <c>o4o up</c> cares (read by <see cref="Prerequisites.Probe"/>).</summary>
internal sealed record HostFacts(bool Root, bool Apt, bool PostgresServer, bool Psql, bool Setpriv, bool Libdeflate, bool Nginx, bool PgBackRest,
    bool Patroni = false, bool Etcd = false, bool PythonEtcd = false);

/// <summary>
/// <c>o4o up</c> on a fresh Debian machine: as root with apt it installs the packages it lacks, saying which and why;
/// otherwise it names the one <c>apt-get install</c> line to run and stops (exit 5) when a required one is missing.
/// </summary>
internal static class Prerequisites
{
    /// <summary>Installs packages; the real one runs <c>apt-get</c>, tests give their own.</summary>
    public delegate Task<bool> Installer(IReadOnlyList<string> packages, CancellationToken cancellationToken);

    /// <summary>
    /// The packages missing for the configuration: a managed cluster needs the server (and pgBackRest when it archives its
    /// WAL), Patroni's members the server, Patroni, its etcd client library and etcd; nginx only when enabled.
    /// </summary>
    public static IReadOnlyList<Prerequisite> Missing(HostFacts host, DatabaseMode mode, bool nginxEnabled, bool archiving)
    {
        var managedCluster = mode is DatabaseMode.Managed or DatabaseMode.Patroni;
        var missing = new List<Prerequisite>();
        if (managedCluster && !host.PostgresServer)
        {
            missing.Add(new("postgresql-15", Strings.PrerequisitePostgres));
        }

        if (!host.Psql && !(managedCluster && !host.PostgresServer))
        {
            // The server's package brings its client; alone, the client is what o4o psql and restores run.
            missing.Add(new("postgresql-client-15", Strings.PrerequisitePsql));
        }

        if (managedCluster && host.Root && !host.Setpriv)
        {
            missing.Add(new("util-linux", Strings.PrerequisiteSetpriv));
        }

        if (mode == DatabaseMode.Patroni && !host.Patroni)
        {
            missing.Add(new("patroni", Strings.PrerequisitePatroni));
        }

        // Debian's patroni does not depend on it, yet its etcd3 section cannot work without it.
        if (mode == DatabaseMode.Patroni && !host.PythonEtcd)
        {
            missing.Add(new("python3-etcd", Strings.PrerequisitePythonEtcd));
        }

        if (mode == DatabaseMode.Patroni && !host.Etcd)
        {
            missing.Add(new("etcd-server", Strings.PrerequisiteEtcd));
        }

        if (mode == DatabaseMode.Managed && archiving && !host.PgBackRest)
        {
            missing.Add(new("pgbackrest", Strings.PrerequisitePgBackRest));
        }

        if (nginxEnabled && !host.Nginx)
        {
            missing.Add(new("nginx-light", Strings.PrerequisiteNginx));
        }

        if (!host.Libdeflate)
        {
            missing.Add(new("libdeflate0", Strings.PrerequisiteLibdeflate, Required: false));
        }

        return missing;
    }

    /// <summary>
    /// Installs what is missing when it can (root and apt), or prints the line to run. False when a required package is
    /// still missing: <c>o4o up</c> then exits 5.
    /// </summary>
    public static async Task<bool> EnsureAsync(HostFacts host, IReadOnlyList<Prerequisite> missing, TextWriter error, Installer install,
        CancellationToken cancellationToken)
    {
        if (missing.Count == 0)
        {
            return true;
        }

        var packages = missing.Select(prerequisite => prerequisite.Package).ToList();
        var reasons = string.Join(", ", missing.Select(prerequisite => $"{prerequisite.Package} ({prerequisite.Why})"));
        if (host.Root && host.Apt)
        {
            await error.WriteLineAsync(Text.Format(Strings.PrerequisitesInstalling, reasons));
            if (await install(packages, cancellationToken))
            {
                return true;
            }
        }

        var required = missing.Any(prerequisite => prerequisite.Required);
        var line = $"apt-get install -y {string.Join(' ', packages)}";
        await error.WriteLineAsync(Text.Format(Strings.ErrorLine, Text.Format(
            required ? Strings.PrerequisitesMissing : Strings.PrerequisitesSuggested, reasons, line)));
        return !required;
    }

    /// <summary>This machine, read for <paramref name="database"/>'s binaries and <paramref name="nginx"/>'s.</summary>
    public static HostFacts Probe(DatabaseOptions database, NginxOptions nginx) => new(
        UnixProcess.IsRoot,
        OnPath("apt-get"),
        PostgresServerInstalled(database.BinDirectory),
        OnPath("psql") || (Directory.Exists("/usr/lib/postgresql")
            && Directory.GetDirectories("/usr/lib/postgresql").Any(version => File.Exists(Path.Combine(version, "bin", "psql")))),
        OnPath("setpriv"),
        // The library backups load when it is there (O4O.Recovery's GzipChunk).
        NativeLibrary.TryLoad("libdeflate.so.0", out _),
        Path.IsPathRooted(nginx.Binary) ? File.Exists(nginx.Binary) : OnPath(nginx.Binary) || File.Exists("/usr/sbin/nginx"),
        OnPath("pgbackrest"),
        OnPath("patroni"),
        OnPath("etcd"),
        Directory.Exists("/usr/lib/python3/dist-packages/etcd"));

    /// <summary>Runs <c>apt-get update</c> and <c>apt-get install -y</c>, their output passed through.</summary>
    public static async Task<bool> AptGetAsync(IReadOnlyList<string> packages, CancellationToken cancellationToken)
    {
        string[][] steps = [["update", "-qq"], ["install", "-y", "-qq", .. packages]];
        foreach (var arguments in steps)
        {
            var start = new ProcessStartInfo("apt-get", arguments) { UseShellExecute = false };
            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var apt = Process.Start(start)!;
            await apt.WaitForExitAsync(cancellationToken);
            if (apt.ExitCode != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool PostgresServerInstalled(string? binDirectory)
    {
        try
        {
            PostgresBinaries.Locate(binDirectory);
            return true;
        }
        catch (PostgresNotInstalledException)
        {
            return false;
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));
}

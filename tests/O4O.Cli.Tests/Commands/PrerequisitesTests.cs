using O4O.Cli.Commands;
using O4O.Recovery.Configuration;

namespace O4O.Cli.Tests.Commands;

/// <summary>
/// What <c>o4o up</c> does on a machine that lacks packages: the decision from what is missing and who runs it. The
/// real apt-get is the one seam: these tests pass an installer that records what it was asked for.
/// </summary>
[Collection(LocalisedOutput.Collection)]
public sealed class PrerequisitesTests
{
    private static readonly HostFacts _fresh = new(Root: true, Apt: true, PostgresServer: false, Psql: false, Setpriv: false, Libdeflate: false, Nginx: false,
        PgBackRest: false);

    private readonly List<IReadOnlyList<string>> _installed = [];

    [Fact]
    public async Task As_root_on_a_fresh_machine_up_installs_the_server_setpriv_and_libdeflate_saying_why_in_one_line()
    {
        var (ready, lines) = await EnsureAsync(_fresh, mode: DatabaseMode.Managed, nginxEnabled: false);

        Assert.True(ready);
        Assert.Equal(["postgresql-15", "util-linux", "libdeflate0"], Assert.Single(_installed));
        Assert.Equal("Installing with apt-get: postgresql-15 (the managed PostgreSQL server), "
            + "util-linux (setpriv: as root the cluster runs as the postgres user), libdeflate0 (faster backup compression).", Assert.Single(lines));
    }

    [Fact]
    public async Task Not_as_root_up_prints_the_one_apt_get_line_and_refuses()
    {
        var (ready, lines) = await EnsureAsync(_fresh with { Root = false }, mode: DatabaseMode.Managed, nginxEnabled: true);

        Assert.False(ready);
        Assert.Empty(_installed);
        var line = Assert.Single(lines);
        Assert.StartsWith("o4o: Missing postgresql-15 (the managed PostgreSQL server), nginx-light (", line, StringComparison.Ordinal);
        Assert.EndsWith(": as root, run: apt-get install -y postgresql-15 nginx-light libdeflate0", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_apt_even_root_gets_the_line_to_run()
    {
        var (ready, lines) = await EnsureAsync(_fresh with { Apt = false }, mode: DatabaseMode.Managed, nginxEnabled: false);

        Assert.False(ready);
        Assert.Empty(_installed);
        Assert.EndsWith("apt-get install -y postgresql-15 util-linux libdeflate0", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_apt_get_is_the_line_to_run_and_a_refusal()
    {
        var (ready, lines) = await EnsureAsync(_fresh, mode: DatabaseMode.Managed, nginxEnabled: false, installs: false);

        Assert.False(ready);
        Assert.Equal(2, lines.Count);
        Assert.EndsWith("apt-get install -y postgresql-15 util-linux libdeflate0", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_missing_is_nothing_said_and_nothing_installed()
    {
        var complete = new HostFacts(Root: true, Apt: true, PostgresServer: true, Psql: true, Setpriv: true, Libdeflate: true, Nginx: true, PgBackRest: true);

        var (ready, lines) = await EnsureAsync(complete, mode: DatabaseMode.Managed, nginxEnabled: true);

        Assert.True(ready);
        Assert.Empty(lines);
        Assert.Empty(_installed);
    }

    [Fact]
    public void An_external_server_needs_only_the_client_and_nginx_is_needed_only_when_enabled()
    {
        var missing = Prerequisites.Missing(_fresh with { Libdeflate = true }, mode: DatabaseMode.External, nginxEnabled: false, archiving: true);

        Assert.Equal(["postgresql-client-15"], missing.Select(prerequisite => prerequisite.Package));
    }

    [Fact]
    public async Task Without_root_a_missing_libdeflate_alone_is_a_hint_and_up_goes_on()
    {
        var host = new HostFacts(Root: false, Apt: true, PostgresServer: true, Psql: true, Setpriv: false, Libdeflate: false, Nginx: false,
            PgBackRest: true);

        var (ready, lines) = await EnsureAsync(host, mode: DatabaseMode.Managed, nginxEnabled: false);

        Assert.True(ready);
        Assert.Equal("o4o: Not installed: libdeflate0 (faster backup compression); o4o runs without it (as root: apt-get install -y libdeflate0).",
            Assert.Single(lines));
    }

    [Fact]
    public async Task A_managed_cluster_that_archives_its_WAL_gets_pgbackrest_installed_and_one_that_does_not_is_left_alone()
    {
        var (ready, lines) = await EnsureAsync(_fresh with { PostgresServer = true, Psql = true, Setpriv = true, Libdeflate = true },
            mode: DatabaseMode.Managed, nginxEnabled: false, archiving: true);

        Assert.True(ready);
        Assert.Equal(["pgbackrest"], Assert.Single(_installed));
        Assert.Equal("Installing with apt-get: pgbackrest (WAL archiving and point-in-time restore of the managed cluster).", Assert.Single(lines));
        Assert.Empty(Prerequisites.Missing(_fresh with { PostgresServer = true, Psql = true, Setpriv = true, Libdeflate = true },
            mode: DatabaseMode.Managed, nginxEnabled: false, archiving: false));
    }

    [Fact]
    public void Patroni_members_need_the_server_patroni_its_etcd_library_and_etcd_but_not_pgbackrest()
    {
        var missing = Prerequisites.Missing(_fresh with { Psql = true, Setpriv = true, Libdeflate = true }, mode: DatabaseMode.Patroni,
            nginxEnabled: false, archiving: true);

        Assert.Equal(["postgresql-15", "patroni", "python3-etcd", "etcd-server"], missing.Select(prerequisite => prerequisite.Package));
        Assert.Empty(Prerequisites.Missing(_fresh with
        {
            PostgresServer = true,
            Psql = true,
            Setpriv = true,
            Libdeflate = true,
            Patroni = true,
            Etcd = true,
            PythonEtcd = true
        }, mode: DatabaseMode.Patroni, nginxEnabled: false, archiving: true));
    }

    private async Task<(bool Ready, IReadOnlyList<string> Lines)> EnsureAsync(HostFacts host, DatabaseMode mode, bool nginxEnabled, bool installs = true,
        bool archiving = false)
    {
        using var error = new StringWriter();
        var ready = await Prerequisites.EnsureAsync(host, Prerequisites.Missing(host, mode, nginxEnabled, archiving), error, (packages, _) =>
        {
            _installed.Add(packages);
            return Task.FromResult(installs);
        }, CancellationToken.None);
        return (ready, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}

using Npgsql;
using O4O.Cli.Commands;
using O4O.Recovery.Health;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Commands;

public sealed class PsqlTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Fact]
    public void Psql_gets_the_password_in_its_environment_and_the_arguments_unchanged()
    {
        var target = new DatabaseTarget("127.0.0.1", 5544, "postgres", "s3cret", "o4o_platform");
        string[] arguments = ["-At", "-c", "SELECT 'a b'", "-d", "other"];

        var start = PsqlInvocation.Build("psql", target, arguments);

        Assert.Equal(arguments, start.ArgumentList);
        Assert.Equal("s3cret", start.Environment["PGPASSWORD"]);
        Assert.Equal("5544", start.Environment["PGPORT"]);
        Assert.Equal("o4o_platform", start.Environment["PGDATABASE"]);
        Assert.DoesNotContain(start.ArgumentList, argument => argument.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void Arguments_after_psql_reach_it_in_order_even_when_they_look_like_options()
    {
        using var cli = new CliRun();
        var parsed = O4OCommandLine.Build(new CliContext(cli.Home, cli.Settings, TextWriter.Null, TextWriter.Null))
            .Parse(["psql", "-At", "-c", "SELECT 1", "--set=ON_ERROR_STOP=1", "-d", "other"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(["-At", "-c", "SELECT 1", "--set=ON_ERROR_STOP=1", "-d", "other"], parsed.UnmatchedTokens);
    }

    [Fact]
    public async Task Psql_connects_to_the_platform_database_and_d_picks_another_on_the_same_server()
    {
        var target = DatabaseTarget.FromConnectionString(await postgres.CreateDatabaseAsync("psql"));
        var other = await postgres.CreateDatabaseAsync("other");
        var otherName = new NpgsqlConnectionStringBuilder(other).Database!;
        var psql = postgres.Cluster.Binaries.Tool("psql");

        var platform = await CommandRunner.RunAsync(PsqlInvocation.Build(psql, target, ["-At", "-c", "SELECT current_database()"]));
        var picked = await CommandRunner.RunAsync(PsqlInvocation.Build(psql, target, ["-d", otherName, "-At", "-c", "SELECT current_database()"]));
        var failing = await CommandRunner.RunAsync(PsqlInvocation.Build(psql, target, ["-v", "ON_ERROR_STOP=1", "-c", "SELECT * FROM missing"]));

        Assert.Equal((0, target.Database), (platform.ExitCode, platform.StandardOutput.Trim()));
        Assert.Equal((0, otherName), (picked.ExitCode, picked.StandardOutput.Trim()));
        Assert.NotEqual(0, failing.ExitCode);
    }
}

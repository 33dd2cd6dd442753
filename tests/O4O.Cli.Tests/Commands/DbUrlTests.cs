using System.Diagnostics;
using Npgsql;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Commands;

public sealed class DbUrlTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Fact]
    public async Task Db_url_shows_the_managed_cluster_with_the_password_masked()
    {
        using var cli = new CliRun();
        Directory.CreateDirectory(cli.Home.Secrets);
        await File.WriteAllTextAsync(cli.Home.PostgresPasswordFile, "s3cret\n");
        cli.Settings["Database:Port"] = "5544";

        var result = await cli.RunAsync("db", "url");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("postgresql://postgres:****@127.0.0.1:5544/o4o_platform", result.Out.Trim());
        Assert.DoesNotContain("s3cret", result.Out + result.Error);
    }

    [Fact]
    public async Task Db_url_with_show_secrets_escapes_every_part_so_psql_logs_in_with_it()
    {
        const string user = "shop owner@o4o";
        const string password = "p@ss:w/rd?#%& é";
        var database = await postgres.CreateDatabaseAsync("url");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}'", connection);
            await create.ExecuteNonQueryAsync();
        }

        using var cli = new CliRun();
        cli.Settings["Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(database) { Username = user, Password = password }.ConnectionString;

        var masked = await cli.RunAsync("db", "url");
        var shown = await cli.RunAsync("db", "url", "--show-secrets");

        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        Assert.Equal($"postgresql://shop%20owner%40o4o:****@127.0.0.1:{postgres.Cluster.Port}/{name}", masked.Out.Trim());
        Assert.Equal($"postgresql://shop%20owner%40o4o:p%40ss%3Aw%2Frd%3F%23%25%26%20%C3%A9@127.0.0.1:{postgres.Cluster.Port}/{name}", shown.Out.Trim());
        var psql = await CommandRunner.RunAsync(new ProcessStartInfo(postgres.Cluster.Binaries.Tool("psql"),
            [shown.Out.Trim(), "-At", "-c", "SELECT current_user || ' ' || current_database()"]));
        Assert.Equal($"{user} {name}", psql.StandardOutput.Trim());
    }
}

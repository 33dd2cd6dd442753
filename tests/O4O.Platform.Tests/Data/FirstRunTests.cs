using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Data;

[Collection(PlatformCollection.Name)]
public sealed partial class FirstRunTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task A_generated_admin_password_is_printed_once_works_and_never_reaches_the_logs()
    {
        var database = await postgres.CreateDatabaseAsync("firstrun");
        PlatformFactory? first = null;

        var firstOutput = await CaptureStandardOutputAsync(() =>
        {
            first = Start(database);
            return Task.CompletedTask;
        });
        await using (first)
        {
            var printed = GeneratedPassword().Match(firstOutput);
            Assert.True(printed.Success, firstOutput);
            using var client = first!.CreateClient();
            await PlatformFactory.LoginAsync(client, PlatformFactory.AdminEmail, printed.Groups["password"].Value);
            var logs = first.ReadLog("app.log") + first.ReadLog("error.log");
            Assert.Contains("Created the admin account", logs, StringComparison.Ordinal);
            Assert.DoesNotContain(printed.Groups["password"].Value, logs, StringComparison.Ordinal);
        }

        var secondOutput = await CaptureStandardOutputAsync(async () => await Start(database).DisposeAsync());

        Assert.DoesNotMatch(GeneratedPassword(), secondOutput);
    }

    [Fact]
    public async Task Two_platforms_starting_together_migrate_and_seed_once()
    {
        var database = await postgres.CreateDatabaseAsync("together");

        var platforms = await Task.WhenAll(Enumerable.Repeat(database, 2).Select(db => Task.Run(() => Start(db, PlatformFactory.AdminPassword))));

        await using var connection = new NpgsqlConnection(database);
        Assert.Equal(50, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM products"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE role = 'admin'"));
        var migrations = typeof(Program).Assembly.GetManifestResourceNames().Count(name => name.Contains(".Data.Migrations.", StringComparison.Ordinal));
        Assert.Equal(migrations, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schemaversions"));
        foreach (var platform in platforms)
        {
            await platform.DisposeAsync();
        }
    }

    /// <summary>Starts the platform; with no <paramref name="adminPassword"/> it generates one.</summary>
    private static PlatformFactory Start(string database, string? adminPassword = null)
    {
        var platform = new PlatformFactory(database, adminPassword);
        _ = platform.Server;
        return platform;
    }

    private static async Task<string> CaptureStandardOutputAsync(Func<Task> action)
    {
        var original = Console.Out;
        using var capture = new StringWriter();
        Console.SetOut(capture);
        try
        {
            await action();
        }
        finally
        {
            Console.SetOut(original);
        }

        return capture.ToString();
    }

    [GeneratedRegex(@"admin account created: admin@o4o\.test / password: (?<password>\S+)")]
    private static partial Regex GeneratedPassword();
}

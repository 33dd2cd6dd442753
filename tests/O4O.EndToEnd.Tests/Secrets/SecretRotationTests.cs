using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using O4O.EndToEnd.Tests.Dashboard;
using O4O.EndToEnd.Tests.Processes;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Dashboard;
using O4O.Recovery.IO;
using O4O.Recovery.Postgres;
using O4O.Recovery.Secrets;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Secrets;

/// <summary><c>o4o secrets rotate</c> under a running <c>o4o up</c>: every old secret refused, the shop serving with the new ones.</summary>
public sealed class SecretRotationTests
{
    private static readonly object _oneOrder = new { items = new[] { new { productId = 1, quantity = 1 } } };

    [Fact]
    public async Task Rotating_secrets_refuses_every_old_one_and_the_restarted_platform_takes_orders_with_the_new_database_password()
    {
        await using var up = await SupervisedUp.StartAsync();
        using var customer = await up.SignedInAsync(admin: false);
        using (var before = await customer.PostAsJsonAsync("api/v1/orders", _oneOrder))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }

        var oldOperatorToken = OperatorToken.LoadOrCreate(up.Home);
        var oldDatabasePassword = File.ReadAllText(up.Home.OwnerPasswordFile).Trim();
        var oldPlatform = up.PlatformPid;
        using var operatorBrowser = await DashboardHttpTests.SignedInAsync(up, oldOperatorToken);

        var rotate = await up.CliAsync("secrets", "rotate", "--yes");

        Assert.True(rotate.ExitCode == 0, rotate.StandardError + up.Up.Output);
        var adminPassword = rotate.StandardOutput.Trim();
        Assert.Matches("^[A-Za-z0-9]{20}$", adminPassword);
        // The conductor writes its record of process ids a moment after the new process answers.
        for (var tries = 0; tries < 100 && up.PlatformPid == oldPlatform; tries++)
        {
            await Task.Delay(100);
        }

        Assert.NotEqual(oldPlatform, up.PlatformPid);
        await up.Up.WaitForHealthAsync(up.Client);

        // The customer's token, signed before, is refused; signing in again works.
        using (var refused = await customer.GetAsync("api/v1/orders"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(up, O4OProcess.AdminPassword));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(up, adminPassword));

        // The dashboard ends the session the old operator token opened, refuses that token and takes the new one.
        Assert.DoesNotContain("csrf-token", await operatorBrowser.GetStringAsync("/"), StringComparison.Ordinal);
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{up.Up.DashboardPort}/") };
        using (var oldSignIn = await anonymous.PostAsync("sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = oldOperatorToken })))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, oldSignIn.StatusCode);
        }

        var newOperatorToken = OperatorToken.LoadOrCreate(up.Home);
        Assert.NotEqual(oldOperatorToken, newOperatorToken);
        using (await DashboardHttpTests.SignedInAsync(up, newOperatorToken))
        {
        }

        // The platform's role no longer logs in with the old password; the restarted platform orders with the new one.
        var newDatabasePassword = File.ReadAllText(up.Home.OwnerPasswordFile).Trim();
        Assert.NotEqual(oldDatabasePassword, newDatabasePassword);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(up.Home.OwnerPasswordFile));
        await Assert.ThrowsAsync<PostgresException>(() => OwnerLoginAsync(up, oldDatabasePassword));
        await OwnerLoginAsync(up, newDatabasePassword);
        using var again = await up.SignedInAsync(admin: false);
        using (var after = await again.PostAsJsonAsync("api/v1/orders", _oneOrder))
        {
            Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        }

        // Every step is on the record; the admin's new password is in none of it.
        var steps = await up.EventsAsync(SecretRotation.Component);
        Assert.Equal(4, steps.Count);
        Assert.DoesNotContain(steps, step => step.ToString().Contains(adminPassword, StringComparison.Ordinal));
        Assert.DoesNotContain(adminPassword, rotate.StandardError, StringComparison.Ordinal);
        foreach (var log in Directory.EnumerateFiles(Path.Combine(up.Home.Root, "logs")))
        {
            Assert.DoesNotContain(adminPassword, await File.ReadAllTextAsync(log), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_rotation_killed_after_writing_the_password_file_before_its_commit_leaves_a_platform_that_comes_back_after_a_crash()
    {
        await using var up = await SupervisedUp.StartAsync();
        // What a kill -9 between the password file's rename and the role's commit leaves: the file ahead of the role.
        var written = ManagedCluster.NewPassword();
        AtomicFile.WriteAllText(up.Home.OwnerPasswordFile, written);
        var crashed = up.PlatformPid;

        Process.GetProcessById(crashed).Kill();

        var aligned = await up.WaitForEventsAsync(Recovery.Supervision.Conductor.PlatformComponent,
            events => events.Any(e => e.Seen.Contains("a secrets rotation interrupted", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
        Assert.Contains(aligned, e => e.Kind == RecoveryEventKind.Action && e.Done == "set the role's password from the file");
        await up.Up.WaitForHealthAsync(up.Client);
        Assert.NotEqual(crashed, up.PlatformPid);
        using var customer = await up.SignedInAsync(admin: false);
        using (var order = await customer.PostAsJsonAsync("api/v1/orders", _oneOrder))
        {
            Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        }

        await OwnerLoginAsync(up, written);
        Assert.DoesNotContain(written, string.Join('\n', await up.EventsAsync(Recovery.Supervision.Conductor.PlatformComponent)), StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> LoginAsync(SupervisedUp up, string password)
    {
        using var login = await up.Client.PostAsJsonAsync("api/v1/auth/login", new { email = O4OProcess.AdminEmail, password });
        return login.StatusCode;
    }

    private static async Task OwnerLoginAsync(SupervisedUp up, string password)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = up.Up.DatabasePort,
            Username = "o4o_app",
            Password = password,
            Database = "o4o_platform",
            Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
    }
}

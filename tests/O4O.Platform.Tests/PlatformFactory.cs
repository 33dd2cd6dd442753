using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using O4O.Platform.Auth;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests;

/// <summary>
/// The platform in-process against its own fresh database and a temporary <c>$O4O_HOME</c>, with helpers that
/// hand out clients signed in as an admin or a new customer.
/// </summary>
/// <param name="connectionString">The platform's database.</param>
/// <param name="adminPassword">Configured as <c>Admin:Password</c>; null leaves the platform to generate one.</param>
/// <param name="settings">More configuration, over the test defaults.</param>
/// <param name="home">Another platform's home, to start it again there (that one removes it); null for a new one.</param>
public sealed class PlatformFactory(
    string connectionString, string? adminPassword = PlatformFactory.AdminPassword, IReadOnlyDictionary<string, string?>? settings = null, string? home = null)
    : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@o4o.test";
    public const string AdminPassword = "admin-password-1";

    /// <summary>The address every request appears to come from (TestServer has none of its own).</summary>
    public static readonly IPAddress ClientAddress = IPAddress.Parse("203.0.113.7");

    public string Home { get; } = home ?? Directory.CreateTempSubdirectory("o4o-platform-home-").FullName;

    public string ConnectionString => connectionString;

    public static async Task<PlatformFactory> StartAsync(ManagedPostgresFixture postgres)
    {
        var factory = new PlatformFactory(await postgres.CreateDatabaseAsync("platform"));
        _ = factory.Server; // start now: migrations and seed run before the first test request
        return factory;
    }

    public async Task<HttpClient> CreateClientAsync(string role)
    {
        var (email, password) = role == "admin" ? (AdminEmail, AdminPassword) : await RegisterCustomerAsync();
        var client = CreateClient();
        var token = await LoginAsync(client, email, password);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return client;
    }

    public async Task<(string Email, string Password)> RegisterCustomerAsync()
    {
        var email = $"customer-{Guid.NewGuid():N}@example.com";
        const string Password = "customer-password-1";
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (email, Password);
    }

    public static async Task<TokenResponse> LoginAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    /// <summary>Serves on a free port of 127.0.0.1 over real HTTP (Kestrel), for tests that need callers' own addresses.</summary>
    public Uri StartKestrel()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First());
    }

    public T GetService<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Creates a product through the admin API and returns its id.</summary>
    public async Task<long> CreateProductAsync(int stock, decimal price = 1m)
    {
        using var admin = await CreateClientAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/v1/products", new { sku = $"T-{Guid.NewGuid():N}", name = "Test product", price, stock });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public Task<long> StockAsync(long productId) => ScalarAsync($"SELECT stock FROM products WHERE id = {productId}");

    /// <summary>Reads one number straight from the platform's database, past the API.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The text of a log file in the home (<c>app.log</c>, <c>error.log</c>), read beside the open sink.</summary>
    public string ReadLog(string name)
    {
        using var stream = new FileStream(Path.Combine(Home, "logs", name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("O4O_HOME", Home);
        builder.UseSetting("Database:ConnectionString", connectionString);
        builder.UseSetting("Admin:Email", AdminEmail);
        if (adminPassword is not null)
        {
            builder.UseSetting("Admin:Password", adminPassword);
        }

        // In-process requests all come from ClientAddress: the sign-in limit per address must not fail tests that sign in often.
        builder.UseSetting("Auth:SignInPermitLimit", "1000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, FixedClientAddress>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (home is null)
        {
            Directory.Delete(Home, recursive: true);
        }
    }

    private sealed class FixedClientAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= ClientAddress;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

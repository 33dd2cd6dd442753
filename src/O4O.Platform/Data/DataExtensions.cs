using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using O4O.Platform.Auth;
using O4O.Recovery.Configuration;

namespace O4O.Platform.Data;

public static class DataExtensions
{
    /// <summary>How many statements each connection keeps prepared, unless the connection string says otherwise.</summary>
    public const int MaxAutoPrepare = 32;

    /// <summary>One <see cref="NpgsqlDataSource"/> for the process, and the migrations and seed that run before serving.</summary>
    public static IServiceCollection AddData(this IServiceCollection services)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Validate(options => !options.IsManaged, "Database:ConnectionString (O4O__Database__ConnectionString) is required.")
            .ValidateOnStart();
        services.AddOptions<AdminOptions>()
            .BindConfiguration(AdminOptions.Section)
            .Validate(options => CredentialRules.IsEmailAddress(options.Email.Trim()),
                "Admin:Email (O4O__Admin__Email) must be an e-mail address without spaces, control or invisible characters.")
            .ValidateOnStart();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString) { Name = "o4o-platform" };
            // Every request runs one of a few dozen statements: each connection prepares the ones it runs often, and
            // PostgreSQL stops parsing and planning them on every call (about 0.1 ms each, 8 statements an order).
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = MaxAutoPrepare;
            }

            builder.UseLoggerFactory(provider.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });
        services.AddSingleton<AdminSeeder>();
        services.AddSingleton<SmokeTestSeeder>();
        // Hosted services start before the server does: nothing is served from an unmigrated database.
        services.AddHostedService<DatabaseInitializer>();
        return services;
    }
}

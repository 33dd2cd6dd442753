using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Configuration;

public sealed class DatabaseModeTests
{
    [Fact]
    public void Without_a_mode_a_connection_string_means_external_and_none_means_managed_as_before()
    {
        Assert.Equal(DatabaseMode.Managed, Bind([]).EffectiveMode);
        Assert.Equal(DatabaseMode.External, Bind(new() { ["Database:ConnectionString"] = "Host=db;Username=shop" }).EffectiveMode);
    }

    [Theory]
    [InlineData("patroni", "Host=db", "Database:ConnectionString (O4O__Database__ConnectionString): the patroni mode runs its own database")]
    [InlineData("external", null, "Database:ConnectionString (O4O__Database__ConnectionString): the external mode needs Database:ConnectionString.")]
    [InlineData("patroni", null, "Database:Replicas (O4O__Database__Replicas): The field Replicas must be between 1 and 8.", "0")]
    [InlineData("patroni", null, "Database:Patroni:Ttl (O4O__Database__Patroni__Ttl): Patroni needs LoopWait + 2 × RetryTimeout ≤ Ttl.", "1", "00:00:08")]
    public void A_mode_that_contradicts_its_settings_is_refused_naming_the_key(string mode, string? connectionString, string expected, string replicas = "1",
        string ttl = "00:00:10")
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Database:Mode"] = mode,
            ["Database:ConnectionString"] = connectionString,
            ["Database:Replicas"] = replicas,
            ["Database:Patroni:Ttl"] = ttl,
        }));

        Assert.Contains(refused.Failures, failure => failure.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void In_patroni_mode_the_platform_connects_to_every_member_and_only_to_one_that_accepts_writes()
    {
        var options = Bind(new() { ["Database:Mode"] = "patroni", ["Database:Replicas"] = "2", ["Database:Port"] = "6000" });

        var target = DatabaseTarget.ForPlatform(new O4OHome(Path.Combine(Path.GetTempPath(), $"o4o-mode-{Guid.NewGuid():N}")), options);

        Assert.Equal("127.0.0.1:6000,127.0.0.1:6001,127.0.0.1:6002", target.Address);
        Assert.Contains("Host=127.0.0.1:6000,127.0.0.1:6001,127.0.0.1:6002;", target.ToConnectionString(), StringComparison.Ordinal);
        Assert.Contains("Target Session Attributes=read-write", target.ToConnectionString(), StringComparison.Ordinal);
        Assert.Equal("postgresql://postgres@127.0.0.1:6000,127.0.0.1:6001,127.0.0.1:6002/o4o_platform?target_session_attrs=read-write", target.ToUri());
    }

    private static DatabaseOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddConductorOptions().BuildServiceProvider();
        return services.GetRequiredService<ConductorSettings>().Database;
    }
}

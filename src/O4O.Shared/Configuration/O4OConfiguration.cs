using Microsoft.Extensions.Configuration;

namespace O4O.Recovery.Configuration;

/// <summary>
/// Standard .NET configuration for every O4O process: built-in defaults, then <c>$O4O_HOME/o4o.json</c>,
/// then <c>O4O__Section__Key</c> environment variables (e.g. <c>O4O__Database__Port=5433</c>).
/// </summary>
public static class O4OConfiguration
{
    /// <summary>The prefix of O4O's environment variables.</summary>
    public const string EnvironmentPrefix = "O4O__";

    /// <summary>Adds O4O's configuration sources for <paramref name="home"/> to <paramref name="builder"/>.</summary>
    public static IConfigurationBuilder AddO4OConfiguration(this IConfigurationBuilder builder, O4OHome home) =>
        builder
            .AddJsonFile(home.ConfigurationFile, optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix);

    /// <summary>Builds the configuration for <paramref name="home"/>.</summary>
    public static IConfigurationRoot Build(O4OHome home) =>
        new ConfigurationBuilder().AddO4OConfiguration(home).Build();
}

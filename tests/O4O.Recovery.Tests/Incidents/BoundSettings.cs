using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Incidents;

/// <summary>The incident engine's settings bound from a configuration as <c>o4o up</c> binds them.</summary>
internal static class BoundSettings
{
    public static IncidentSettings Incidents(IConfiguration? configuration = null)
    {
        using var services = new ServiceCollection().AddSingleton(configuration ?? new ConfigurationBuilder().Build()).AddConductorOptions().BuildServiceProvider();
        return services.GetRequiredService<ConductorSettings>().Incidents;
    }
}

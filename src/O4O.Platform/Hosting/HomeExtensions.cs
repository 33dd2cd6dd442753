using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Switching;

namespace O4O.Platform.Hosting;

public static class HomeExtensions
{
    /// <summary>
    /// Finds <c>$O4O_HOME</c> (configuration key <c>O4O_HOME</c>, so tests can point it elsewhere), adds O4O's
    /// configuration sources for it, and listens on the conductor's shared socket when it hands one over
    /// (<see cref="ConductorListener"/>), else on 127.0.0.1:<c>Platform:Port</c> unless URLs are set explicitly.
    /// </summary>
    public static O4OHome AddO4OHome(this WebApplicationBuilder builder)
    {
        // Logs and keys are written by libraries that take no mode (Serilog): owner-only through the umask.
        PrivateFiles.RestrictProcessUmask();
        var configured = builder.Configuration[O4OHome.EnvironmentVariable];
        var home = string.IsNullOrWhiteSpace(configured)
            ? O4OHome.FromEnvironment()
            : new O4OHome(Path.GetFullPath(configured));
        home.EnsureCreated();
        builder.Configuration.AddO4OConfiguration(home);
        builder.Services.AddSingleton(home);
        builder.Services.AddSingleton(TimeProvider.System);

        if (builder.Configuration[ListenerHandOff.HandOffSetting] is { Length: > 0 } handOff)
        {
            builder.ListenThroughConductor(handOff);
        }
        else if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            var port = builder.Configuration.GetValue($"{PlatformOptions.Section}:{nameof(PlatformOptions.Port)}", new PlatformOptions().Port);
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        return home;
    }
}

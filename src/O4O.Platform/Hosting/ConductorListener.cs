using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using O4O.Recovery.Switching;

namespace O4O.Platform.Hosting;

/// <summary>
/// The platform as the conductor runs it (DESIGN: the zero-downtime switch): it serves the public port from the
/// listening socket the conductor holds (received with <see cref="ListenerHandOff"/>, as systemd's socket activation
/// hands one over), accepting only between "go" and "drain", and its own loopback port for the conductor's probes.
/// </summary>
internal static class ConductorListener
{
    public static void ListenThroughConductor(this WebApplicationBuilder builder, string handOff)
    {
        var descriptor = ListenerHandOff.Receive(handOff);
        var privatePort = builder.Configuration.GetValue<int>(ListenerHandOff.PrivatePortSetting);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenHandle((ulong)descriptor);
            kestrel.Listen(IPAddress.Loopback, privatePort);
        });
        var gate = new AcceptGate();
        builder.Services.AddSingleton(gate);
        builder.Services.AddSingleton<SocketTransportFactory>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IConnectionListenerFactory>(provider =>
            new GatedListenerFactory(provider.GetRequiredService<SocketTransportFactory>(), gate)));
        builder.Services.AddSingleton<IStartupFilter>(new DrainingConnections(gate));
    }

    /// <summary>
    /// While draining, every answer says <c>Connection: close</c> (also one that began before "drain"), so a keep-alive
    /// client's next request opens a new connection, which the new release accepts.
    /// </summary>
    private sealed class DrainingConnections(AcceptGate gate) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Response.OnStarting(() =>
                {
                    if (gate.IsDraining)
                    {
                        context.Response.Headers.Connection = "close";
                    }

                    return Task.CompletedTask;
                });
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

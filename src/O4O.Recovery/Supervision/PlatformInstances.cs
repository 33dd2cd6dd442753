using System.Globalization;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The platform's processes (<c>Platform:Instances</c>): instance N serves <c>Platform:Port</c> + N − 1 from a listening
/// socket of its own that the conductor holds (<see cref="SharedListener"/>), and is a component of its own
/// (<c>platform</c>, <c>platform-2</c>, …) with its own supervisor, restarts and incidents. nginx spreads the requests
/// over them. Every instance shares the home, so the data-protection keys that sessions and antiforgery tokens are
/// protected with: any instance serves any request.
/// </summary>
public sealed class PlatformInstances : IAsyncDisposable
{
    private readonly List<SharedListener> _listeners = [];
    private readonly List<PlatformChild> _children = [];

    private PlatformInstances()
    {
    }

    /// <summary>Every instance, the first one first.</summary>
    internal IReadOnlyList<PlatformChild> Children => _children;

    /// <summary>The first instance: the one on <c>Platform:Port</c>, which the conductor's other checks (data loss, the dashboard) use.</summary>
    internal PlatformChild First => _children[0];

    /// <summary>The ports, in the order of the instances.</summary>
    internal IReadOnlyList<int> Ports => [.. _listeners.Select(listener => listener.Port)];

    /// <summary>The component name of the instance at <paramref name="index"/> (from 0): the first is plain <c>platform</c>.</summary>
    public static string NameOf(int index) =>
        index == 0 ? Conductor.PlatformComponent : string.Create(CultureInfo.InvariantCulture, $"{Conductor.PlatformComponent}-{index + 1}");

    /// <summary>True for the name of any instance.</summary>
    public static bool IsPlatform(string component) =>
        component == Conductor.PlatformComponent || component.StartsWith(Conductor.PlatformComponent + "-", StringComparison.Ordinal);

    /// <summary>Checks every port is free, then binds one after the other and makes each instance with <paramref name="child"/>.</summary>
    /// <exception cref="ComponentPortInUseException">A port is taken.</exception>
    internal static PlatformInstances Open(O4OHome home, PlatformOptions options, Func<string, SharedListener, PlatformChild> child)
    {
        var instances = new PlatformInstances();
        try
        {
            for (var index = 0; index < options.Instances; index++)
            {
                var name = NameOf(index);
                var listener = SharedListener.Open(home, options.Port + index, name);
                instances._listeners.Add(listener);
                instances._children.Add(child(name, listener));
            }

            return instances;
        }
        catch
        {
            instances.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Stops every instance at once.</summary>
    internal Task StopAsync(bool graceful) => Task.WhenAll(_children.Select(child => child.StopAsync(graceful)));

    /// <inheritdoc />
    /// <remarks>The listening sockets last, after every platform stopped: the port belongs to the conductor.</remarks>
    public async ValueTask DisposeAsync()
    {
        foreach (var child in _children)
        {
            await child.DisposeAsync();
        }

        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync();
        }
    }
}

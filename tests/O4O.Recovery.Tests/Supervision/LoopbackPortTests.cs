using System.Globalization;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Supervision;

public sealed class LoopbackPortTests
{
    [Fact]
    public void A_chosen_port_lies_below_the_ephemeral_range_so_no_outgoing_connection_takes_it_before_the_server_binds()
    {
        var ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], CultureInfo.InvariantCulture);

        var ports = Enumerable.Range(0, 50).Select(_ => LoopbackPort.Free()).ToList();

        Assert.All(ports, port => Assert.InRange(port, 1024, ephemeralStart - 1));
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }

}

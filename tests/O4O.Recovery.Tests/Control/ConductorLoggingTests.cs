using Microsoft.Data.Sqlite;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.Incidents;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;
using Serilog.Extensions.Logging;

namespace O4O.Recovery.Tests.Control;

/// <summary>The conductor's one logging pipeline, as <c>o4o up</c> makes it, behind the real control server.</summary>
public sealed class ConductorLoggingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("o4o-logging-").FullName;

    [Fact]
    public async Task An_exception_in_a_control_handler_is_in_conductor_log_with_its_stack_and_one_line_on_the_console()
    {
        var home = new O4OHome(Path.Combine(_root, "home"));
        home.EnsureCreated();
        var settings = new EventLog(home.StateDatabase);
        var gate = await RecoveryGate.LoadAsync(new Settings(home.StateDatabase), settings, TimeProvider.System, CancellationToken.None);
        // The event log the /events handler reads is a file that is not a database: the handler throws.
        var broken = Path.Combine(_root, "broken.db");
        var events = new EventLog(broken);
        SqliteConnection.ClearAllPools();
        await File.WriteAllTextAsync(broken, new string('x', 4096));
        using var console = new StringWriter();
        var state = new ConductorState(4242, DateTimeOffset.UtcNow, [], gate, events,
            new IncidentBoard(new IncidentStore(home.StateDatabase), new EscalationOptions(), TimeProvider.System));

        using (var loggers = new SerilogLoggerFactory(ConductorLogging.Create(home, console), dispose: true))
        {
            await using var server = await ControlServer.StartAsync(home, state, loggers, CancellationToken.None);
            using var client = new ControlClient(home);
            await Assert.ThrowsAnyAsync<Exception>(() => client.EventsAsync(10));
        }

        var log = await File.ReadAllTextAsync(ConductorLogging.FileOf(home));
        Assert.Contains("An unhandled exception was thrown by the application", log);
        Assert.Contains("SqliteException", log);
        Assert.Contains("   at ", log);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ConductorLogging.FileOf(home)));
        var line = Assert.Single(console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("o4o: ", line);
        Assert.DoesNotContain("   at ", line);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }
}

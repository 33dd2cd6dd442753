using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.Processes;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;
using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// <c>o4o up</c> with probes fast enough for tests (every 200 ms, 500 ms timeout, 3 failures), and what the fault tests
/// read from it: the children's process ids, the event log, the platform's database, tokens.
/// </summary>
internal sealed class SupervisedUp : IAsyncDisposable
{
    public static readonly Dictionary<string, string> FastProbes = new()
    {
        ["O4O__Supervision__ProbeInterval"] = "00:00:00.2",
        ["O4O__Supervision__ProbeTimeout"] = "00:00:00.5",
    };

    private SupervisedUp(O4OProcess up)
    {
        Up = up;
        Client = new HttpClient { BaseAddress = up.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        Home = new O4OHome(up.Home);
    }

    public O4OProcess Up { get; }

    public HttpClient Client { get; }

    public O4OHome Home { get; }

    /// <summary>Starts <c>o4o up</c> and waits until <c>/api/health</c> answers 200.</summary>
    public static async Task<SupervisedUp> StartAsync(IReadOnlyDictionary<string, string>? environment = null, Action<string>? prepareHome = null)
    {
        var settings = new Dictionary<string, string>(FastProbes);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        var supervised = new SupervisedUp(O4OProcess.Up(settings, prepareHome));
        try
        {
            await supervised.Up.WaitForHealthAsync(supervised.Client);
        }
        catch
        {
            // Nobody else will: the caller never gets it to dispose.
            await supervised.DisposeAsync();
            throw;
        }

        return supervised;
    }

    public int PlatformPid => Up.RecordedPids()[2];

    public int PostmasterPid => Up.RecordedPids()[1];

    public ControlClient Control() => new(Home);

    public async Task<IReadOnlyList<RecoveryEvent>> EventsAsync(string component) =>
        (await new EventLog(Home.StateDatabase).RecentAsync(1000)).Where(e => e.Component == component).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds on the event log; fails with the log when it does not in time.</summary>
    public async Task<IReadOnlyList<RecoveryEvent>> WaitForEventsAsync(string component, Func<IReadOnlyList<RecoveryEvent>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var events = await EventsAsync(component);
            if (condition(events))
            {
                return events;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"the {component}'s events did not arrive within {timeout}:\n{string.Join('\n', events)}\n{Up.Output}");
            }

            await Task.Delay(100);
        }
    }

    public NpgsqlDataSource Database(string database = "o4o_platform") => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Up.DatabasePort,
        Username = "postgres",
        Password = File.ReadAllText(Home.PostgresPasswordFile).Trim(),
        Database = database,
        Pooling = false,
    }.ConnectionString);

    /// <summary>A client signed in as the admin, or as a newly registered customer.</summary>
    public async Task<HttpClient> SignedInAsync(bool admin)
    {
        var email = admin ? O4OProcess.AdminEmail : $"customer-{Guid.NewGuid():N}@example.com";
        var password = admin ? O4OProcess.AdminPassword : "Customer-password-1";
        if (!admin)
        {
            using var registered = await Client.PostAsJsonAsync("api/v1/auth/register", new { email, password });
            registered.EnsureSuccessStatusCode();
        }

        using var login = await Client.PostAsJsonAsync("api/v1/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var client = new HttpClient { BaseAddress = Up.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Runs <c>./o4o ARGS</c> against this home as a script would: standard input is <c>/dev/null</c>, not the terminal a
    /// test run may have, so a command that would ask a question refuses instead of waiting for an answer.
    /// </summary>
    public Task<CommandResult> CliAsync(params string[] args) =>
        RunCliAsync(new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" < /dev/null", Path.Combine(O4OProcess.RepositoryRoot(), "o4o"), .. args]));

    /// <summary>
    /// Runs <c>o4o</c> on a pseudo-terminal (util-linux <c>script</c>), as a person at a terminal would, typing
    /// <paramref name="typed"/>. The terminal's output — stdout and stderr together — is the result's standard output.
    /// </summary>
    public Task<CommandResult> CliAtTerminalAsync(string typed, params string[] args) =>
        RunCliAsync(Terminal.Typing(typed, [Path.Combine(O4OProcess.RepositoryRoot(), "o4o"), .. args]));

    /// <summary>Starts <c>./o4o ARGS</c> against this home without waiting for it, for a test that stops or kills it midway.</summary>
    public System.Diagnostics.Process StartCli(params string[] args) => StartCliUnder([], args);

    /// <summary>Starts <c>./o4o ARGS</c> under <paramref name="tracer"/> (a command line it is appended to, e.g. strace's).</summary>
    public System.Diagnostics.Process StartCliUnder(string[] tracer, params string[] args)
    {
        string[] command = [.. tracer, Path.Combine(O4OProcess.RepositoryRoot(), "o4o"), .. args];
        var start = new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        SetCliEnvironment(start);
        return System.Diagnostics.Process.Start(start)!;
    }

    private async Task<CommandResult> RunCliAsync(ProcessStartInfo start)
    {
        SetCliEnvironment(start);
        return await CommandRunner.RunAsync(start);
    }

    private void SetCliEnvironment(ProcessStartInfo start)
    {
        start.Environment["O4O_HOME"] = Home.Root;
        start.Environment["O4O_CONFIGURATION"] = "Debug";
        start.Environment["O4O__Database__Port"] = Up.DatabasePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // What o4o up was told about nginx and the database (a Patroni mode's ports), the CLI is told too.
        foreach (var (name, value) in Up.Environment.Where(setting => setting.Key.StartsWith("O4O__Nginx__", StringComparison.Ordinal)
            || setting.Key.StartsWith("O4O__Database__", StringComparison.Ordinal)))
        {
            start.Environment[name] = value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Up.Dispose();
        await Task.CompletedTask;
    }
}

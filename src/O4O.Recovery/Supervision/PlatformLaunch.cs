using System.Diagnostics;
using System.Globalization;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Supervision;

/// <summary>How the conductor starts the platform: <c>dotnet O4O.Platform.dll</c> with its settings in the environment.</summary>
/// <param name="Assembly">The platform's entry assembly.</param>
/// <param name="Port">The HTTP port on 127.0.0.1.</param>
/// <param name="Home">The O4O home the platform shares with the conductor.</param>
/// <param name="DatabaseConnectionString">The connection string of the platform's database.</param>
public sealed record PlatformLaunch(string Assembly, int Port, O4OHome Home, string DatabaseConnectionString)
{
    /// <summary>The conductor's dashboard, where the console's monitoring page leads (<c>Dashboard:Url</c>); null: the default.</summary>
    public Uri? Dashboard { get; init; }

    /// <summary>
    /// The file holding the password of <see cref="DatabaseConnectionString"/>'s user, read at every start so that a
    /// password <c>o4o secrets rotate</c> changed reaches the restarted platform; null: the connection string's own.
    /// </summary>
    public string? PasswordFile { get; init; }

    /// <summary>The address nginx connects from (<see cref="NginxConfig.ProxyAddress"/>) when it runs, else null.</summary>
    public string? TrustedProxy { get; init; }

    /// <summary>
    /// The conductor's hand-off socket (<see cref="SharedListener"/>): the platform serves <see cref="Port"/> from the
    /// conductor's listening socket, accepting after "go", and <see cref="PrivatePort"/> for probes. Null: it binds
    /// <see cref="Port"/> itself.
    /// </summary>
    public string? HandOff { get; init; }

    /// <summary>This process's own loopback port, with <see cref="HandOff"/>: what the conductor probes and gates it on.</summary>
    public int? PrivatePort { get; init; }

    /// <summary>The platform's base address (the shop's port, whichever process answers it).</summary>
    public Uri BaseAddress => BaseAddressFor(Port);

    /// <summary>Where this very process answers: its private port when it has one, else <see cref="BaseAddress"/>.</summary>
    public Uri ProbeAddress => PrivatePort is { } port ? BaseAddressFor(port) : BaseAddress;

    /// <summary>The base address of a platform listening on <paramref name="port"/> of 127.0.0.1.</summary>
    public static Uri BaseAddressFor(int port) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));

    /// <summary>
    /// The process to start. It inherits the caller's environment (other <c>O4O__*</c> settings reach the platform
    /// unchanged) and its standard output and error (the platform prints the generated admin password itself).
    /// </summary>
    public ProcessStartInfo StartInfo()
    {
        // In its own directory, as a deployed app runs: its content root is where its files are, not where o4o was typed.
        var start = new ProcessStartInfo(DotnetHost(), [Assembly])
        {
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Assembly),
        };
        start.Environment[O4OHome.EnvironmentVariable] = Home.Root;
        start.Environment[$"{O4OConfiguration.EnvironmentPrefix}Database__ConnectionString"] = PasswordFile is null
            ? DatabaseConnectionString
            : new Npgsql.NpgsqlConnectionStringBuilder(DatabaseConnectionString) { Password = File.ReadAllText(PasswordFile).Trim() }.ConnectionString;
        // The platform only ever uses a connection string, whatever the conductor's mode (Patroni's is multi-host).
        start.Environment[$"{O4OConfiguration.EnvironmentPrefix}Database__Mode"] = nameof(DatabaseMode.External);
        start.Environment[$"{O4OConfiguration.EnvironmentPrefix}Platform__Port"] = Port.ToString(CultureInfo.InvariantCulture);
        if (Dashboard is not null)
        {
            start.Environment[$"{O4OConfiguration.EnvironmentPrefix}Dashboard__Url"] = Dashboard.ToString();
        }

        start.Environment[$"{O4OConfiguration.EnvironmentPrefix}{PlatformOptions.TrustedProxySetting.Replace(":", "__", StringComparison.Ordinal)}"] = TrustedProxy ?? "";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // The conductor probes this port: a stray ASPNETCORE_URLS in the caller's environment must not move the platform.
        start.Environment["ASPNETCORE_URLS"] = ProbeAddress.ToString().TrimEnd('/');
        if (HandOff is not null)
        {
            // Kestrel's endpoints are set in code then (the shared socket and the private port): no URL to override them.
            start.Environment.Remove("ASPNETCORE_URLS");
            start.Environment[$"{O4OConfiguration.EnvironmentPrefix}Platform__HandOff"] = HandOff;
            start.Environment[$"{O4OConfiguration.EnvironmentPrefix}Platform__PrivatePort"] = PrivatePort?.ToString(CultureInfo.InvariantCulture);
        }

        return start;
    }

    /// <summary>
    /// The platform's assembly: <paramref name="configured"/> when set (relative to the current directory), else
    /// <c>O4O.Platform.dll</c> in the build output beside <paramref name="baseDirectory"/>
    /// (<c>artifacts/bin/O4O.Cli/release/</c> → <c>artifacts/bin/O4O.Platform/release/</c>), else in it.
    /// </summary>
    public static string ResolveAssembly(string? configured, string baseDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var directory = new DirectoryInfo(baseDirectory);
        var sibling = directory.Parent?.Parent is { } bin
            ? Path.Combine(bin.FullName, "O4O.Platform", directory.Name, "O4O.Platform.dll")
            : null;
        return sibling is not null && File.Exists(sibling) ? sibling : Path.Combine(directory.FullName, "O4O.Platform.dll");
    }

    // The dotnet host running this process when there is one, so the platform runs on the same runtime.
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}

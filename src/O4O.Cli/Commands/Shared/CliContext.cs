using Microsoft.Extensions.Configuration;
using O4O.Recovery.Configuration;

namespace O4O.Cli.Commands;

/// <summary>
/// What a command runs against: the O4O home, settings on top of o4o.json and <c>O4O__*</c> variables, and the
/// writers for data (stdout) and human messages (stderr). Tests give their own, so commands run in-process.
/// </summary>
/// <param name="Home">The O4O home.</param>
/// <param name="Settings">Settings that override the configuration files and environment, e.g. <c>Database:Port</c>.</param>
/// <param name="Out">Data: tables, JSON, URLs.</param>
/// <param name="Error">Human messages, progress and errors.</param>
internal sealed record CliContext(O4OHome Home, IReadOnlyDictionary<string, string?> Settings, TextWriter Out, TextWriter Error)
{
    /// <summary>The one clock every command reads (ages, durations, timestamps); tests set a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Whether a question can be put to the operator: standard input is a terminal. Tests never answer one.</summary>
    public bool CanAsk { get; init; } = !Console.IsInputRedirected;

    /// <summary>The process's home (<c>$O4O_HOME</c>, default <c>./.o4o</c>) and console.</summary>
    public static CliContext FromEnvironment() =>
        new(O4OHome.FromEnvironment(), new Dictionary<string, string?>(), Console.Out, Console.Error);

    /// <summary>The files, the environment and <see cref="Settings"/>, in that order.</summary>
    public IConfiguration Configuration() =>
        new ConfigurationBuilder()
            .AddO4OConfiguration(Home)
            .AddInMemoryCollection(Settings)
            .Build();

    /// <summary>Binds a configuration section.</summary>
    /// <exception cref="InvalidConfigurationException">A value does not fit its setting (e.g. a port that is not a number).</exception>
    public T Bind<T>(string section)
        where T : new()
    {
        var configuration = Configuration();
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidConfigurationException(section, exception);
        }
    }
}

/// <summary>A configuration value cannot be read as its setting's type.</summary>
internal sealed class InvalidConfigurationException(string section, Exception inner)
    : Exception($"{section}: {inner.Message}", inner);

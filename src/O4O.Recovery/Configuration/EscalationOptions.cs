using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace O4O.Recovery.Configuration;

/// <summary>
/// The <c>Escalation</c> section: the runbook's escalation matrix. Levels are paged by the time since the failure
/// began, for as long as it is not recovered.
/// </summary>
public sealed class EscalationOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Escalation";

    /// <summary>The levels, in order (<c>O4O__Escalation__Levels__1__NotifyAfter=00:00:03</c> changes L2's).</summary>
    public List<EscalationLevel> Levels { get; set; } = [];

    /// <summary>How often the current level is paged again until someone acknowledges.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan RepeatEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the escalation service looks at the clock.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The runbook's matrix: L1 DevOps at once, L2 team lead at 15 min, L3 CTO at 30 min, L4 CEO at 1 h; all on channel "ops".</summary>
    public static IReadOnlyDictionary<string, string?> Defaults { get; } = BuildDefaults();

    /// <summary>
    /// Binds the section over <see cref="Defaults"/>, so that configuration changes one field of one level
    /// (standard binding appends list items to an initialised list instead of replacing them).
    /// </summary>
    public static EscalationOptions From(IConfiguration configuration)
    {
        var options = new EscalationOptions();
        BindOverDefaults(configuration, options);
        return options;
    }

    /// <summary>Binds the section over <see cref="Defaults"/> into <paramref name="options"/> (what <c>o4o up</c>'s options do).</summary>
    public static void BindOverDefaults(IConfiguration configuration, EscalationOptions options) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(Defaults)
            .AddConfiguration(configuration)
            .Build()
            .GetSection(Section)
            .Bind(options);

    private static Dictionary<string, string?> BuildDefaults()
    {
        (string Name, string Owner, string NotifyAfter, string RespondWithin)[] levels =
        [
            ("L1", "DevOps engineer", "00:00:00", "00:15:00"),
            ("L2", "Development team lead", "00:15:00", "00:30:00"),
            ("L3", "CTO", "00:30:00", "01:00:00"),
            ("L4", "CEO", "01:00:00", "02:00:00"),
        ];
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < levels.Length; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{Section}:Levels:{i}:");
            values[prefix + "Name"] = levels[i].Name;
            values[prefix + "Owner"] = levels[i].Owner;
            values[prefix + "NotifyAfter"] = levels[i].NotifyAfter;
            values[prefix + "RespondWithin"] = levels[i].RespondWithin;
            values[prefix + "Channels:0"] = "ops";
        }

        return values;
    }
}

/// <summary>One row of the escalation matrix.</summary>
public sealed class EscalationLevel
{
    /// <summary>L1, L2, ...</summary>
    public string Name { get; set; } = "";

    /// <summary>Who answers at this level: "DevOps engineer", "CTO".</summary>
    public string Owner { get; set; } = "";

    /// <summary>Phone numbers or addresses shown to the people paged.</summary>
    public List<string> Contacts { get; set; } = [];

    /// <summary>The time since the failure began at which this level is paged.</summary>
    public TimeSpan NotifyAfter { get; set; }

    /// <summary>The response time expected of this level, shown in the page.</summary>
    public TimeSpan RespondWithin { get; set; }

    /// <summary>Names of channels in <c>Notifications:Channels</c> that reach this level.</summary>
    public List<string> Channels { get; set; } = [];
}

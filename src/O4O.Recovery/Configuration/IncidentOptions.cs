using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Configuration;

/// <summary>The <c>Incidents</c> section: how detections become incidents.</summary>
public sealed class IncidentOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Incidents";

    /// <summary>
    /// A component that fails again within this time after its incident resolved reopens that incident, so a flapping
    /// component stays one incident; another component failing within this time of a failure still unrecovered joins
    /// that outage (a cascade). Any other failure opens a new incident (<c>O4O__Incidents__QuietWindow</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "36500.00:00:00")]
    public TimeSpan QuietWindow { get; set; } = TimeSpan.FromMinutes(10);
}

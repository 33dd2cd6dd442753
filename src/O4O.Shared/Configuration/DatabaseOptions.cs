using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Configuration;

/// <summary>The <c>Database</c> section: the managed cluster, or an external server.</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Database";

    /// <summary>The platform's database, named as in the runbook.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Name { get; set; } = "o4o_platform";

    /// <summary>The managed cluster's port on 127.0.0.1 (<c>O4O__Database__Port</c>).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 5432;

    /// <summary>An external server; when set, no cluster is managed (<c>O4O__Database__ConnectionString</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where initdb and postgres live, when not in Debian's usual place.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>True when O4O runs its own cluster rather than using an external server.</summary>
    public bool IsManaged => string.IsNullOrWhiteSpace(ConnectionString);
}

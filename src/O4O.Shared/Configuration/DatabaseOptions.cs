using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Configuration;

/// <summary>How the platform's database is run.</summary>
public enum DatabaseMode
{
    /// <summary>One PostgreSQL cluster that O4O creates, runs and restarts itself.</summary>
    Managed,

    /// <summary>A server someone else runs, reached by <see cref="DatabaseOptions.ConnectionString"/>.</summary>
    External,

    /// <summary>
    /// etcd and <see cref="DatabaseOptions.Replicas"/> + 1 PostgreSQL members managed by Patroni, run by O4O on this machine:
    /// Patroni, not the conductor, restarts and promotes them.
    /// </summary>
    Patroni,
}

/// <summary>The <c>Database</c> section: the managed cluster, an external server or a Patroni cluster.</summary>
public sealed class DatabaseOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Database";

    /// <summary>The platform's database, named as in the runbook.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Name { get; set; } = "o4o_platform";

    /// <summary>
    /// How the database is run (<c>O4O__Database__Mode</c>); when not set, <see cref="DatabaseMode.External"/> with a
    /// connection string and <see cref="DatabaseMode.Managed"/> without, as before the setting existed.
    /// </summary>
    public DatabaseMode? Mode { get; set; }

    /// <summary>
    /// The managed cluster's port on 127.0.0.1 (<c>O4O__Database__Port</c>); in Patroni mode the first member's, the
    /// others on the ports after it.
    /// </summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 5432;

    /// <summary>An external server; when set, no cluster is managed (<c>O4O__Database__ConnectionString</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where initdb and postgres live, when not in Debian's usual place.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>In Patroni mode, how many standbys run beside the leader (<c>O4O__Database__Replicas</c>).</summary>
    [Range(1, 8)]
    public int Replicas { get; set; } = 1;

    /// <summary>Patroni's and etcd's settings, read in Patroni mode.</summary>
    public PatroniOptions Patroni { get; set; } = new();

    /// <summary>The mode in effect: <see cref="Mode"/>, or the one the connection string implies.</summary>
    public DatabaseMode EffectiveMode => Mode ?? (string.IsNullOrWhiteSpace(ConnectionString) ? DatabaseMode.Managed : DatabaseMode.External);

    /// <summary>True when O4O runs its own single cluster (and restarts it), rather than an external server or Patroni.</summary>
    public bool IsManaged => EffectiveMode == DatabaseMode.Managed;

    /// <summary>True in Patroni mode: O4O runs etcd and Patroni-managed members, or observes a cluster on other hosts.</summary>
    public bool IsPatroni => EffectiveMode == DatabaseMode.Patroni;

    /// <summary>True in Patroni mode with <see cref="PatroniOptions.Endpoints"/>: a cluster on other hosts, observed, never run.</summary>
    public bool ObservesPatroni => IsPatroni && Patroni.Endpoints.Count > 0;

    /// <summary>
    /// What this machine runs: <see cref="EffectiveMode"/>, except that a Patroni cluster on other hosts is, here, a server
    /// someone else runs (what it needs installed is what an external server needs).
    /// </summary>
    public DatabaseMode LocalMode => ObservesPatroni ? DatabaseMode.External : EffectiveMode;

    /// <summary>The PostgreSQL port of each member in Patroni mode: <see cref="Port"/> and the ones after it.</summary>
    public IReadOnlyList<int> MemberPorts => [.. Enumerable.Range(Port, IsPatroni ? Replicas + 1 : 1)];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode == DatabaseMode.External && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("the external mode needs Database:ConnectionString.", [nameof(ConnectionString)]);
        }

        if (Mode is DatabaseMode.Managed or DatabaseMode.Patroni && !string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult($"the {Mode.Value.ToString().ToLowerInvariant()} mode runs its own database: remove Database:ConnectionString.",
                [nameof(ConnectionString)]);
        }

        if (IsPatroni)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(Patroni, new ValidationContext(Patroni), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult(result.ErrorMessage, [.. result.MemberNames.Select(member => $"{nameof(Patroni)}:{member}")]);
            }

            // Patroni refuses timings under which a leader could lose its key between two renewals.
            if (Patroni.LoopWait + (2 * Patroni.RetryTimeout) > Patroni.Ttl)
            {
                yield return new ValidationResult("Patroni needs LoopWait + 2 × RetryTimeout ≤ Ttl.", [$"{nameof(Patroni)}:{nameof(PatroniOptions.Ttl)}"]);
            }

            if (Patroni.Endpoints.FirstOrDefault(endpoint => !endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")) is { } wrong)
            {
                yield return new ValidationResult($"{wrong} is not an http(s) URL of a Patroni REST API.", [$"{nameof(Patroni)}:{nameof(PatroniOptions.Endpoints)}"]);
            }

            if (Port + Replicas > 65535)
            {
                yield return new ValidationResult($"the {Replicas + 1} members need the ports {Port} to {Port + Replicas}.", [nameof(Port)]);
            }
        }
    }
}

/// <summary>
/// The <c>Database:Patroni</c> section. The timings are Patroni's own (<c>ttl</c>, <c>loop_wait</c>, <c>retry_timeout</c>):
/// a leader that stops renewing its key is replaced after at most <see cref="Ttl"/> plus one <see cref="LoopWait"/>.
/// </summary>
public sealed class PatroniOptions
{
    /// <summary>
    /// Patroni's <c>synchronous_mode_strict</c>. False (the default): with no standby in sync the leader goes on accepting
    /// writes alone, so the shop keeps selling, and an order acknowledged then exists on one member only until a standby
    /// catches up. True: the leader then refuses to commit (orders wait) until a standby is back, so no acknowledged order
    /// can ever be on one member only.
    /// </summary>
    public bool SynchronousModeStrict { get; set; }

    /// <summary>How long the leader key lives without renewal (Patroni's <c>ttl</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each member's Patroni runs its loop (<c>loop_wait</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LoopWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long etcd or PostgreSQL may not answer before Patroni demotes a leader (<c>retry_timeout</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RetryTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The first member's Patroni REST API port on 127.0.0.1; the others on the ports after it.</summary>
    [Range(1, 65535)]
    public int RestPort { get; set; } = 8008;

    /// <summary>etcd's client port on 127.0.0.1; its peer port is the one after it.</summary>
    [Range(1, 65534)]
    public int EtcdPort { get; set; } = 2379;

    /// <summary>
    /// The REST APIs of an existing Patroni cluster on other hosts (<c>http://db1:8008/</c>, one per member): when set,
    /// <c>o4o up</c> runs no etcd and no members, connects the platform to the members Patroni lists and only observes.
    /// </summary>
    public IList<Uri> Endpoints { get; set; } = [];

    /// <summary>
    /// How often the conductor reads the cluster from Patroni's REST API (<c>/cluster</c> and each member's <c>/health</c>)
    /// for <c>o4o status</c>, the dashboard and the incidents.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many bytes of WAL a standby may trail the leader before an incident is opened (16 MiB, one WAL segment, by
    /// default): a standby that far behind has that much WAL to receive or replay before it could take over.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MaxLagBytes { get; set; } = 16 * 1024 * 1024;
}

namespace O4O.Recovery.Backups;

/// <summary>How a new archive compares with the clean ones before it (<see cref="AnomalyScore"/>).</summary>
/// <param name="Score">The sum of the weights of the signals seen; 0 when nothing stood out.</param>
/// <param name="Suspicious">True when the score reached <c>Backup:Anomaly:SuspiciousScore</c>: it may hold what ransomware did.</param>
/// <param name="Reasons">What stood out, one sentence each.</param>
/// <param name="ComparedWith">How many earlier clean archives it was compared with.</param>
public sealed record ArchiveAnomaly(double Score, bool Suspicious, IReadOnlyList<string> Reasons, int ComparedWith);

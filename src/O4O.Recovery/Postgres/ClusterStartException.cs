namespace O4O.Recovery.Postgres;

/// <summary>The managed PostgreSQL cluster could not be initialised or started; the message says why in one line.</summary>
public sealed class ClusterStartException(string message, Exception? inner = null) : Exception(message, inner);

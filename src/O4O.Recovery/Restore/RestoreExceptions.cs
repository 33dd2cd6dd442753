namespace O4O.Recovery.Restore;

/// <summary>A restore was refused before anything changed; the message says why and what to do.</summary>
public sealed class RestoreRefusedException(string message) : Exception(message);

/// <summary>A restore failed; the live database is as it was and what the restore created is removed.</summary>
public sealed class RestoreFailedException(string message, Exception? inner = null) : Exception(message, inner);

namespace O4O.Cli;

/// <summary>Every exit code <c>o4o</c> returns, in one place (listed in the README).</summary>
internal static class ExitCodes
{
    /// <summary>Done; for <c>status</c>: every component healthy.</summary>
    public const int Success = 0;

    /// <summary>Something failed; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>The command line or the configuration is invalid.</summary>
    public const int UsageError = 2;

    /// <summary><c>status</c>: at least one component is unhealthy.</summary>
    public const int Unhealthy = 3;

    /// <summary>A backup archive is damaged, tampered with, foreign, or breaks the hash chain.</summary>
    public const int BackupCorrupt = 4;

    /// <summary>A prerequisite is missing: PostgreSQL not installed, port in use, home not writable.</summary>
    public const int EnvironmentError = 5;

    /// <summary><c>up</c>: the platform or the database server exited on its own (the message names it and its exit code).</summary>
    public const int ComponentExited = 6;

    /// <summary><c>backup create</c>: the backup would not fit where backups are written (<c>Backup:SpaceMargin</c>); nothing was written.</summary>
    public const int InsufficientSpace = 7;

    /// <summary>Interrupted by Ctrl+C or SIGTERM before finishing.</summary>
    public const int Interrupted = 130;
}

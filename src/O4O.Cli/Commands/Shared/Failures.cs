using System.Globalization;
using Microsoft.Extensions.Options;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Monitoring;
using O4O.Recovery.Offsite;
using O4O.Recovery.Patroni;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;
using O4O.Recovery.Releases;
using O4O.Recovery.Restore;
using O4O.Recovery.Secrets;
using O4O.Recovery.Supervision;
using O4O.Recovery.Systemd;

namespace O4O.Cli.Commands;

/// <summary>
/// Maps a failure to the message an operator reads (localised where O4O knows the cause) and its exit code, for every
/// command: a damaged, tampered or unsafe archive is exit 4 wherever it is met.
/// </summary>
internal static class Failures
{
    public static (string Message, int ExitCode) Describe(Exception exception) => exception switch
    {
        PostgresNotInstalledException => (Strings.ErrorPostgresNotInstalled, ExitCodes.EnvironmentError),
        ComponentPortInUseException port => (Text.Format(Strings.ErrorPortInUse, port.Port, port.Setting), ExitCodes.EnvironmentError),
        HomeNotWritableException home => (Text.Format(Strings.ErrorHomeNotWritable, home.Message), ExitCodes.EnvironmentError),
        ConductorAlreadyRunningException running => (Text.Format(Strings.ErrorConductorRunning, running.Home, running.Pid?.ToString(CultureInfo.InvariantCulture) ?? "?"), ExitCodes.EnvironmentError),
        ClusterStartException cluster => (Text.Format(Strings.ErrorClusterStart, cluster.Message), ExitCodes.Failure),
        PlatformStartException platform => (Text.Format(Strings.ErrorPlatformStart, platform.Message), ExitCodes.Failure),
        BackupCorruptException => (exception.Message, ExitCodes.BackupCorrupt),
        ArchiveKeyFileException => (exception.Message, ExitCodes.UsageError),
        SealedArchiveException { Failure: SealedArchiveFailure.UnknownKey or SealedArchiveFailure.WrongKey } => (exception.Message, ExitCodes.UsageError),
        SealedArchiveException => (exception.Message, ExitCodes.BackupCorrupt),
        DatabaseUnavailableException => (exception.Message, ExitCodes.EnvironmentError),
        BackupWouldNotFitException { Space: var space } => (Text.Format(Strings.ErrorBackupWouldNotFit, space.Directory, Sizes.Size(space.Free), Sizes.Size(space.Needed),
            Sizes.EstimatedFrom(space.EstimatedFrom), Sizes.Size(space.Estimate)), ExitCodes.InsufficientSpace),
        BackupFailedException or LockHeldException or SecretRotationException or RestoreRefusedException or RestoreFailedException or RecoveryTargetException => (exception.Message, ExitCodes.Failure),
        ArchivingNotSetUpException archiving => (archiving.Managed ? Text.Format(Strings.ErrorArchivingNotSetUp, archiving.ConfigurationFile) : Strings.ErrorArchivingExternal, ExitCodes.EnvironmentError),
        PgBackRestException or OffsiteException or SystemdInstallException or PatroniRefusedException => (exception.Message, ExitCodes.Failure),
        ReleaseInputException => (exception.Message, ExitCodes.UsageError),
        ReleaseFailedException => (exception.Message, ExitCodes.Failure),
        PsqlNotFoundException => (Strings.ErrorPsqlNotFound, ExitCodes.EnvironmentError),
        InvalidConfigurationException or InvalidConnectionStringException or OptionsValidationException => (Text.Format(Strings.ErrorInvalidConfiguration, exception.Message), ExitCodes.UsageError),
        OperationCanceledException => (Strings.ErrorInterrupted, ExitCodes.Interrupted),
        _ => (Text.Format(Strings.ErrorUnexpected, exception.GetType().Name, exception.Message), ExitCodes.Failure),
    };
}

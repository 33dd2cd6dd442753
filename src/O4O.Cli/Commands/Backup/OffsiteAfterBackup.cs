using O4O.Cli.Resources;
using O4O.Recovery.Containment;
using O4O.Recovery.Control;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;

namespace O4O.Cli.Commands;

/// <summary>
/// What <c>o4o backup create</c> does with <c>Offsite:Endpoint</c> set, so that every new archive goes off-site without a
/// further command. The conductor owns the uploads while it runs: it is asked to start its round now (its uploads retry
/// with a growing wait, which a command cannot). Without one the command runs that same round itself, in the foreground,
/// recording the copy and any failure where the conductor would; a round killed mid-upload is resumed by the next one,
/// whichever process runs it.
/// </summary>
internal static class OffsiteAfterBackup
{
    public static async Task RunAsync(CliContext context, BackupEnvironment environment, string name, CancellationToken cancellationToken)
    {
        if (await AskedConductorAsync(context, cancellationToken))
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.BackupOffsiteByConductor, name));
            return;
        }

        if (Isolation.IsOn(context.Home))
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.BackupOffsiteIsolated, name));
            return;
        }

        await context.Error.WriteLineAsync(Text.Format(Strings.BackupOffsiteUploading, name));
        var copies = new OffsiteCopies(context.Home.StateDatabase);
        var pending = OffsiteLag.Pending(environment.Directory, copies);
        var uploads = new OffsiteUploads(context.Home, environment.Backup, environment.Offsite, environment.Journal(), context.Time)
        {
            Warned = why => context.Error.WriteLine(Text.Format(Strings.WarningLine, why)),
        };
        await uploads.UploadPendingAsync(cancellationToken, waitForOthers: true);
        // Each archive the round took, an earlier one whose upload was interrupted among them.
        foreach (var (uploaded, copy) in pending.Select(archive => (archive, copies.Find(archive))))
        {
            if (copy is { Complete: true })
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.BackupOffsiteDone, uploaded, $"s3://{environment.Offsite.Bucket}/{copy.ObjectKey}", Sizes.Size(copy.Size)));
            }
        }

        if (copies.Find(name) is not { Complete: true })
        {
            // The local archive is made and stands: the failure is on an incident, and the next round resumes the upload.
            await CliConsole.FailAsync(context, Text.Format(Strings.BackupOffsiteFailed, name, uploads.LastFailure?.TrimEnd('.') ?? Strings.BackupOffsiteStopped));
        }
    }

    private static async Task<bool> AskedConductorAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var control = new ControlClient(context.Home);
        try
        {
            await control.UploadOffsiteSoonAsync(cancellationToken);
            return true;
        }
        catch (ConductorUnreachableException)
        {
            // None runs, or it did not answer within the control API's timeout: the command's own round takes the lock
            // after any the conductor is running, so the archive is uploaded once either way.
            return false;
        }
        catch (ControlRequestException)
        {
            // A conductor started with another configuration, without the bucket: the command takes the archive itself.
            return false;
        }
    }
}

using System.CommandLine;
using System.Text;
using O4O.Cli.Resources;
using O4O.Recovery.Offsite;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o backup key rotate|export</c>: the keys that seal archives before they leave the machine
/// (<see cref="ArchiveKeyStore"/>). <c>export</c> prints the key file, the same that <c>--key-file</c> reads, on stdout.
/// </summary>
internal static class BackupKeyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("key", Strings.BackupKeyDescription);
        var rotate = new Command("rotate", Strings.BackupKeyRotateDescription);
        rotate.SetAction(async (ParseResult _, CancellationToken _) =>
        {
            context.Home.EnsureCreated();
            var ring = ArchiveKeyStore.Rotate(context.Home, context.Time);
            await context.Out.WriteLineAsync(ring.Current.Id);
            await context.Error.WriteLineAsync(Text.Format(Strings.BackupKeyRotated, ring.Current.Id, ring.Keys.Count - 1));
            return ExitCodes.Success;
        });
        var export = new Command("export", Strings.BackupKeyExportDescription);
        export.SetAction(async (ParseResult _, CancellationToken cancellationToken) =>
        {
            context.Home.EnsureCreated();
            var ring = ArchiveKeyStore.LoadOrCreate(context.Home, context.Time);
            await context.Out.WriteLineAsync(Encoding.UTF8.GetString(ring.ToFile()));
            await context.Out.FlushAsync(cancellationToken);
            // Only once it is out: a failed write (a closed pipe) leaves the reminder in place.
            await ArchiveKeyExport.RecordAsync(context.Home, ring, UpControl.Actor, context.Time.GetUtcNow(), cancellationToken);
            await context.Error.WriteLineAsync(Text.Format(Strings.BackupKeyExported, ring.Keys.Count, ring.Current.Id));
            return ExitCodes.Success;
        });
        command.Subcommands.Add(rotate);
        command.Subcommands.Add(export);
        return command;
    }

    /// <summary>
    /// <c>o4o up</c>'s one-line reminder, when off-site copies are configured, that they cannot be opened on a new machine
    /// until the current archive key was exported.
    /// </summary>
    public static async Task WarnUnexportedAsync(CliContext context, string? offsiteEndpoint)
    {
        if (!string.IsNullOrWhiteSpace(offsiteEndpoint) && await ArchiveKeyExport.IsPendingAsync(context.Home, CancellationToken.None))
        {
            await context.Error.WriteLineAsync(Strings.UpArchiveKeyNotExported);
        }
    }
}

using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Releases;
using O4O.Recovery.Supervision;
using O4O.Recovery.Verification;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o audit [--hours N] [--platform-dir DIR] [--json] [--record-checksums]</c>: the runbook's security check. Exit code 3
/// when there is something to look at: a locked account, an admin created in the window, an address with many failed
/// logins, or a platform file that differs from the checksums recorded at deploy (<c>--record-checksums</c>) or start.
/// </summary>
internal static class AuditCommand
{
    /// <summary>Failed logins from one address against one account at which the audit calls it a finding.</summary>
    public const int FailedLoginFinding = 10;

    public static Command Create(CliContext context)
    {
        var hours = new Option<int>("--hours") { Description = Strings.AuditHoursOption, DefaultValueFactory = _ => 24 };
        var platformDirectory = new Option<string?>("--platform-dir") { Description = Strings.AuditPlatformDirOption };
        var json = new Option<bool>("--json") { Description = Strings.AuditJsonOption };
        var record = new Option<bool>("--record-checksums") { Description = Strings.AuditRecordOption };
        var command = new Command("audit", Strings.AuditDescription);
        command.Options.Add(hours);
        command.Options.Add(platformDirectory);
        command.Options.Add(json);
        command.Options.Add(record);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            if (result.GetValue(hours) <= 0)
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine, Strings.AuditHoursInvalid));
                return ExitCodes.UsageError;
            }

            // The running release when there is one: its manifest says exactly which files it was published with.
            var release = result.GetValue(platformDirectory) is null ? new ReleaseStore(context.Home).Current() : null;
            var directory = result.GetValue(platformDirectory) ?? release?.AppDirectory ?? Path.GetDirectoryName(await PlatformAssemblyAsync(context, cancellationToken))!;
            if (!Directory.Exists(directory))
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine, Text.Format(Strings.IncidentReportNoDirectory, directory)));
                return ExitCodes.UsageError;
            }

            if (result.GetValue(record))
            {
                var count = PlatformChecksums.Record(Path.GetFullPath(directory), PlatformChecksums.FileIn(context.Home), context.Home.ConfigurationFile);
                await context.Error.WriteLineAsync(Text.Format(Strings.AuditRecorded, count, PlatformChecksums.FileIn(context.Home)));
                return ExitCodes.Success;
            }

            var report = await RunAsync(context, TimeSpan.FromHours(result.GetValue(hours)), Path.GetFullPath(directory), release, cancellationToken);
            await context.Out.WriteLineAsync(result.GetValue(json) ? CliJson.Serialize(report) : Render(report));
            return report.Findings ? ExitCodes.Unhealthy : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The first start of a home is its deploy: the checksums of what it launches are recorded then, unless they
    /// already were, so that the audit compares against what was deployed rather than listing the whole fresh build.
    /// Only a published platform's directory is recorded, one that holds the assembly's <c>.deps.json</c>: an
    /// assembly configured elsewhere (a file in /tmp) would have the conductor hash that whole tree before it starts.
    /// </summary>
    public static void RecordFirstDeploy(O4OHome home, string assembly)
    {
        var checksums = PlatformChecksums.FileIn(home);
        if (File.Exists(Path.ChangeExtension(assembly, ".deps.json")) && !File.Exists(checksums))
        {
            PlatformChecksums.Record(Path.GetDirectoryName(assembly)!, checksums, home.ConfigurationFile);
        }
    }

    // What the platform runs: the assembly the running conductor launched, else the one it would launch.
    internal static async Task<string> PlatformAssemblyAsync(CliContext context, CancellationToken cancellationToken) =>
        (await ConductorQuery.ConfigurationAsync(context.Home, cancellationToken))?.PlatformAssembly
            ?? PlatformLaunch.ResolveAssembly(context.Bind<PlatformOptions>(PlatformOptions.Section).Assembly, AppContext.BaseDirectory);

    /// <summary>What <c>o4o audit --json</c> prints.</summary>
    internal sealed record AuditReport(
        DateTimeOffset Since,
        bool Findings,
        IReadOnlyList<FailedLogins> FailedLogins,
        IReadOnlyList<LockedAccount> LockedAccounts,
        IReadOnlyList<NewAdmin> NewAdmins,
        string PlatformDirectory,
        IReadOnlyList<ChangedFile> ChangedFiles,
        IReadOnlyList<ChecksumDifference>? ChecksumDifferences)
    {
        /// <summary>The release the platform runs, when one is current.</summary>
        public string? Release { get; init; }

        /// <summary>Its files that differ from its manifest (modified, added, removed); null without a current release.</summary>
        public IReadOnlyList<ChecksumDifference>? ReleaseDifferences { get; init; }
    }

    private static async Task<AuditReport> RunAsync(CliContext context, TimeSpan window, string directory, Release? release, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        var since = now - window;
        var audit = new SecurityAudit(DatabaseCommands.Target(context).ToConnectionString());
        var failed = await audit.FailedLoginsAsync(since, cancellationToken);
        var locked = await audit.LockedAccountsAsync(now, cancellationToken);
        var admins = await audit.NewAdminsAsync(since, cancellationToken);
        var checksums = PlatformChecksums.FileIn(context.Home);
        var differences = PlatformChecksums.Compare(directory, checksums, context.Home.ConfigurationFile);
        if (release is not null)
        {
            // A release's manifest is the record of its files; platform.sha256 (the build output's, from the first o4o up) still records o4o.json.
            differences = differences?.Where(difference => difference.Path == context.Home.ConfigurationFile).ToList();
        }

        // What the deploy wrote is not a change: with a record, only files written after it are listed.
        var changedSince = File.Exists(checksums) ? Later(since, File.GetLastWriteTimeUtc(checksums)) : since;
        var changed = FileChanges.Since(directory, changedSince, context.Home.ConfigurationFile);
        var releaseDifferences = release is null ? null
            : PlatformChecksums.CompareWithRelease(release.AppDirectory, release.Manifest).Select(difference => new ChecksumDifference(difference.Path, difference.Change)).ToList();
        var findings = locked.Count > 0 || admins.Count > 0 || failed.Any(group => group.Attempts >= FailedLoginFinding) || differences?.Count > 0
            || releaseDifferences?.Count > 0;
        return new AuditReport(since, findings, failed, locked, admins, directory, changed, differences) { Release = release?.Name, ReleaseDifferences = releaseDifferences };
    }

    private static string Render(AuditReport report)
    {
        var lines = new List<string> { Text.Format(Strings.AuditFailedLogins, Time(report.Since)) };
        lines.AddRange(report.FailedLogins.Select(group => string.Format(CultureInfo.InvariantCulture, "  {0,-20} {1,-32} {2,5}  {3}  {4}",
            group.ClientAddress, group.Email, group.Attempts, Time(group.Last), group.Reasons)));
        lines.Add(Text.Format(Strings.AuditLockedAccounts, report.LockedAccounts.Count));
        lines.AddRange(report.LockedAccounts.Select(account => $"  {account.Email}  {Time(account.LockedUntil)}"));
        lines.Add(Text.Format(Strings.AuditNewAdmins, report.NewAdmins.Count));
        lines.AddRange(report.NewAdmins.Select(admin => $"  {admin.Email}  {Time(admin.CreatedAt)}"));
        lines.Add(Text.Format(Strings.AuditChangedFiles, report.PlatformDirectory, report.ChangedFiles.Count));
        lines.AddRange(report.ChangedFiles.Select(file => $"  {Time(file.ModifiedAt)}  {file.Path}"));
        lines.Add(report.ChecksumDifferences is { } differences ? Text.Format(Strings.AuditChecksumDifferences, differences.Count) : Strings.AuditNoChecksums);
        lines.AddRange((report.ChecksumDifferences ?? []).Select(difference => $"  {difference.Change,-8}  {difference.Path}"));
        if (report.ReleaseDifferences is { } releaseDifferences)
        {
            lines.Add(Text.Format(Strings.AuditRelease, report.Release, releaseDifferences.Count));
            lines.AddRange(releaseDifferences.Select(difference => $"  {difference.Change,-8}  {difference.Path}"));
        }

        lines.Add(report.Findings ? Strings.AuditFindings : Strings.AuditNoFindings);
        return string.Join(Environment.NewLine, lines);
    }

    private static DateTimeOffset Later(DateTimeOffset since, DateTime recordedUtc) =>
        since > new DateTimeOffset(recordedUtc, TimeSpan.Zero) ? since : new DateTimeOffset(recordedUtc, TimeSpan.Zero);

    private static string Time(DateTimeOffset at) => IncidentView.Time(at.ToUniversalTime());
}

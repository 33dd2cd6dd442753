using System.Text.RegularExpressions;

namespace O4O.Recovery.PointInTime;

/// <summary>What <c>pgbackrest verify</c> found in the repository.</summary>
/// <param name="Passed">True when every backup file and WAL segment matched its checksum and size, and none was missing.</param>
/// <param name="Problems">Each damaged or missing file as pgBackRest names it (<c>invalid checksum '20261206-095940F/pg_data/base/5/2838.lz4'</c>).</param>
/// <param name="Summary">pgBackRest's summary: the stanza's status, and per WAL archive and backup set the files checked and found valid.</param>
public sealed partial record PhysicalBackupVerification(bool Passed, IReadOnlyList<string> Problems, IReadOnlyList<string> Summary)
{
    /// <summary>
    /// Runs <c>pgbackrest verify</c> over the whole repository. pgBackRest 2.45 exits 0 whatever it finds, so the verdict is
    /// read from what it prints: a file a worker process reports, or a status of <c>error</c>, fails it.
    /// </summary>
    internal static async Task<PhysicalBackupVerification> RunAsync(PgBackRest pgBackRest, CancellationToken cancellationToken)
    {
        try
        {
            return Read(await pgBackRest.RunAsync("verify", ["--log-level-console=info", "--verbose"], cancellationToken));
        }
        catch (PgBackRestException failed)
        {
            // It could not even read the repository (a missing or corrupt backup.info): nothing in it can be trusted.
            return new PhysicalBackupVerification(false, [failed.Message], []);
        }
    }

    /// <summary>Reads verify's console output.</summary>
    public static PhysicalBackupVerification Read(string output)
    {
        var problems = new List<string>();
        var summary = new List<string>();
        var inSummary = false;
        foreach (var line in output.Split('\n'))
        {
            if (LogLine().Match(line) is { Success: true } log)
            {
                var message = log.Groups["message"].Value.Trim();
                inSummary = log.Groups["process"].Value == "00" && message.StartsWith("stanza:", StringComparison.Ordinal);
                if (log.Groups["process"].Value != "00" || log.Groups["level"].Value == "ERROR")
                {
                    problems.Add(message);
                }
            }
            else if (inSummary && line.Trim() is { Length: > 0 } detail)
            {
                summary.Add(detail);
            }
        }

        return new PhysicalBackupVerification(problems.Count == 0 && !summary.Contains("status: error"), problems, summary);
    }

    // "2026-12-06 09:59:51.195 P01   INFO: invalid checksum '…'": a worker (P01…) reports each bad file; P00 leads.
    [GeneratedRegex(@"^\S+ \S+ P(?<process>\d+)\s+(?<level>[A-Z]+): (?<message>.*)$")]
    private static partial Regex LogLine();
}

using System.Text.Json;
using System.Text.Json.Serialization;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Supervision;

/// <summary>
/// What a running conductor writes to <c>$O4O_HOME/run/conductor.json</c> so that other commands
/// (<c>o4o status</c>, <c>o4o psql</c>) find its processes and ports. Deleted when the conductor exits.
/// </summary>
/// <param name="ConductorPid">The conductor's process id.</param>
/// <param name="StartedAt">When the conductor started.</param>
/// <param name="Database">The database server.</param>
/// <param name="Platform">The platform process.</param>
public sealed record ConductorRecord(int ConductorPid, DateTimeOffset StartedAt, ComponentRecord Database, ComponentRecord Platform)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Atomically writes this record into <paramref name="home"/>.</summary>
    public void Write(O4OHome home) => AtomicFile.WriteAllText(home.ConductorFile, JsonSerializer.Serialize(this, _json));

    /// <summary>Deletes the record from <paramref name="home"/>, if present (also when its directory is gone).</summary>
    public static void Delete(O4OHome home)
    {
        if (File.Exists(home.ConductorFile))
        {
            File.Delete(home.ConductorFile);
        }
    }

    /// <summary>
    /// The record of the conductor running for <paramref name="home"/>, or null when none runs
    /// (no file, an unreadable file, or a file left behind by a conductor that no longer exists).
    /// </summary>
    public static ConductorRecord? ReadRunning(O4OHome home) =>
        Read(home) is { } record && UnixProcess.IsAlive(record.ConductorPid) ? record : null;

    /// <summary>The record in <paramref name="home"/>, whether or not its conductor still runs; null when there is none.</summary>
    public static ConductorRecord? Read(O4OHome home)
    {
        try
        {
            return JsonSerializer.Deserialize<ConductorRecord>(File.ReadAllText(home.ConductorFile), _json);
        }
        catch (Exception exception) when (exception is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>One supervised component in a <see cref="ConductorRecord"/>.</summary>
/// <param name="Pid">Its process id; null when the conductor does not run it (an external database server).</param>
/// <param name="Port">The TCP port it answers on.</param>
/// <param name="Host">The host it answers on.</param>
public sealed record ComponentRecord(int? Pid, int Port, string Host);

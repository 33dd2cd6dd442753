using System.Text.Json;

namespace O4O.Recovery.Patroni;

/// <summary>
/// Patroni's REST API on the members: any member answers for the whole cluster, so each is asked in turn until one does
/// (the leader's may be the one that just died).
/// </summary>
/// <param name="members">The members' REST API bases.</param>
public sealed class PatroniRest(IReadOnlyList<Uri> members)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The REST APIs of <paramref name="options"/>' cluster: <c>Database:Patroni:Endpoints</c> for one on other hosts, else
    /// those of the members <c>o4o up</c> runs, on 127.0.0.1 from <c>Database:Patroni:RestPort</c>.
    /// </summary>
    public static PatroniRest For(Configuration.DatabaseOptions options) => options.ObservesPatroni
        ? new([.. options.Patroni.Endpoints])
        : new([.. options.MemberPorts.Select((_, index) => new Uri($"http://127.0.0.1:{options.Patroni.RestPort + index}/"))]);

    /// <summary>The topology, or null when no member answers.</summary>
    public async Task<PatroniTopology?> ClusterAsync(CancellationToken cancellationToken)
    {
        foreach (var member in members)
        {
            try
            {
                using var client = new HttpClient { BaseAddress = member, Timeout = _timeout };
                return PatroniTopology.Parse(await client.GetStringAsync("cluster", cancellationToken));
            }
            catch (Exception exception) when (exception is HttpRequestException or JsonException
                || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // This member is down or still starting: the next one may answer.
            }
        }

        return null;
    }

    /// <summary>
    /// The cluster now: <c>/cluster</c> from the first member that answers, then each listed member's own <c>/health</c>
    /// (any answer counts: 503 is Patroni saying its PostgreSQL is not running, which <c>/cluster</c> already shows), all
    /// at once so a frozen member costs one timeout, not one each.
    /// </summary>
    public async Task<PatroniObservation> ObserveAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (await ClusterAsync(cancellationToken) is not { } topology)
        {
            return new PatroniObservation(at, [], "no member's Patroni REST API answered");
        }

        var members = await Task.WhenAll(topology.Members.OrderBy(member => member.Name, StringComparer.Ordinal).Select(async member =>
            new PatroniMemberView(member.Name, member.Role, member.State, member.Timeline, member.Lag,
                member.ApiUrl is { } api && await AnswersAsync(new Uri(new Uri(api), "health"), cancellationToken))));
        return new PatroniObservation(at, members);
    }

    private static async Task<bool> AnswersAsync(Uri health, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new HttpClient { Timeout = _timeout };
            using var response = await client.GetAsync(health, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>
    /// Asks Patroni to hand the leader role from <paramref name="leader"/> to <paramref name="candidate"/> (any healthy
    /// standby when null). Returns Patroni's answer; throws <see cref="PatroniRefusedException"/> with it when refused.
    /// </summary>
    public async Task<string> SwitchoverAsync(string leader, string? candidate, CancellationToken cancellationToken)
    {
        HttpRequestException? unreachable = null;
        foreach (var member in members)
        {
            using var client = new HttpClient { BaseAddress = member, Timeout = TimeSpan.FromSeconds(60) };
            try
            {
                // A string body, sent with its Content-Length: Patroni's REST server answers a chunked one with 411.
                using var body = new StringContent(JsonSerializer.Serialize(
                    candidate is null ? new Dictionary<string, string> { ["leader"] = leader } : new() { ["leader"] = leader, ["candidate"] = candidate }),
                    System.Text.Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("switchover", body, cancellationToken);
                var text = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
                return response.IsSuccessStatusCode ? text : throw new PatroniRefusedException(text);
            }
            catch (HttpRequestException exception)
            {
                unreachable = exception;
            }
        }

        throw new PatroniRefusedException($"no member's REST API answered: {unreachable?.Message}");
    }
}

/// <summary>Patroni said no, or nobody answered; the message is what it said.</summary>
/// <param name="message">Patroni's answer.</param>
public sealed class PatroniRefusedException(string message) : Exception(message);

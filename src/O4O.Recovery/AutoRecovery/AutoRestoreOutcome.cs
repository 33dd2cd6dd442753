namespace O4O.Recovery.AutoRecovery;

/// <summary>How an automatic restore of a damaged database ended.</summary>
internal enum RestoreVerdict
{
    /// <summary>The restored database answered and its row counts matched the manifest.</summary>
    Verified,

    /// <summary>The restore or its check failed.</summary>
    Failed,

    /// <summary>Nothing was restored (no verified backup, AutoRecovery off): a person decides.</summary>
    WaitingForAPerson,
}

/// <summary>What an automatic restore did and how it ended, for the event log.</summary>
/// <param name="Done">What was done, in words.</param>
/// <param name="Verdict">How it ended.</param>
/// <param name="Detail">Why, in words; empty when it waits for a person.</param>
internal sealed record AutoRestoreOutcome(string Done, RestoreVerdict Verdict, string Detail = "")
{
    /// <summary>The outcome as the event log stores it: <c>verified: …</c>, <c>failed: …</c> or <c>waiting for a person</c>.</summary>
    public string Text => Verdict switch
    {
        RestoreVerdict.Verified => $"verified: {Detail}",
        RestoreVerdict.Failed => $"failed: {Detail}",
        _ => "waiting for a person",
    };
}

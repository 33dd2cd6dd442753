namespace O4O.Recovery.State;

/// <summary>
/// How a step of a restore ended, as the catalogue records it in <c>backup_restores.outcome</c>. Stored as
/// <see cref="RestoreRecordOutcomes.ToText"/> gives it: the name in lower case, words separated by a space
/// (<c>swapped</c>, <c>files restored</c>), the words every earlier version wrote.
/// </summary>
public enum RestoreRecordOutcome
{
    /// <summary>Loading or verifying the copy failed; the live database is as it was.</summary>
    Failed,

    /// <summary>The person asked declined the swap; the live database is as it was.</summary>
    Declined,

    /// <summary>The verified copy was swapped in; the replaced database is kept aside (the detail names it).</summary>
    Swapped,

    /// <summary>The platform's files were restored after the swap (the detail counts them).</summary>
    FilesRestored,

    /// <summary>Restoring the platform's files failed after the swap; the database stays restored (the detail says why).</summary>
    FilesFailed,

    /// <summary>A restore was undone by swapping the replaced database back (the detail names where the undone one is kept).</summary>
    Undone,
}

/// <summary>The stored text of <see cref="RestoreRecordOutcome"/>.</summary>
internal static class RestoreRecordOutcomes
{
    /// <summary>The text <c>backup_restores.outcome</c> holds for <paramref name="outcome"/>.</summary>
    public static string ToText(this RestoreRecordOutcome outcome) => outcome switch
    {
        RestoreRecordOutcome.Failed => "failed",
        RestoreRecordOutcome.Declined => "declined",
        RestoreRecordOutcome.Swapped => "swapped",
        RestoreRecordOutcome.FilesRestored => "files restored",
        RestoreRecordOutcome.FilesFailed => "files failed",
        RestoreRecordOutcome.Undone => "undone",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}

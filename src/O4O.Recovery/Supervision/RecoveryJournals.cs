namespace O4O.Recovery.Supervision;

/// <summary>
/// Writes each event to every journal (the event log, the conductor's log file, the incident tracker, ...).
/// A journal that fails is skipped for that event: recovery must outlive a full disk or a locked database.
/// </summary>
internal sealed class RecoveryJournals(IEnumerable<IRecoveryJournal> journals) : IRecoveryJournal
{
    private readonly IReadOnlyList<IRecoveryJournal> _journals = journals.ToList();

    /// <summary>Journal failures seen so far (the last one), for <c>o4o status</c>.</summary>
    public string? LastFailure { get; private set; }

    /// <inheritdoc />
    public async Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        foreach (var journal in _journals)
        {
            try
            {
                await journal.RecordAsync(recoveryEvent, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LastFailure = $"{journal.GetType().Name}: {exception.Message}";
            }
        }
    }
}

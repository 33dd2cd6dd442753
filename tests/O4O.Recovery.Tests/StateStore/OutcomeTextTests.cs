using Dapper;
using Microsoft.Data.Sqlite;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.State;
using O4O.Recovery.Tests.Incidents;

namespace O4O.Recovery.Tests.StateStore;

/// <summary>Outcomes are types in the code and keep the text earlier versions stored and people read.</summary>
public sealed class OutcomeTextTests : IDisposable
{
    private readonly StateFile _state = new();

    [Fact]
    public void Every_restore_outcome_is_stored_in_the_words_earlier_versions_wrote()
    {
        var catalogue = new BackupCatalogue(_state.Path, Path.GetDirectoryName(_state.Path)!);
        var at = DateTimeOffset.UnixEpoch;
        foreach (var outcome in Enum.GetValues<RestoreRecordOutcome>())
        {
            catalogue.RecordRestore("o4o_backup_20261126_020000.tar.gz", at, at, outcome, null);
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _state.Path, Pooling = false }.ToString());
        Assert.Equal(["failed", "declined", "swapped", "files restored", "files failed", "undone"],
            connection.Query<string>("SELECT outcome FROM backup_restores ORDER BY id"));
    }

    [Fact]
    public void An_automatic_restore_outcome_reads_in_the_event_log_as_it_always_did()
    {
        Assert.Equal("verified: SELECT 1 answered in 3 ms", new AutoRestoreOutcome("restored", RestoreVerdict.Verified, "SELECT 1 answered in 3 ms").Text);
        Assert.Equal("failed: disk full (the live database is as it was)",
            new AutoRestoreOutcome("attempted", RestoreVerdict.Failed, "disk full (the live database is as it was)").Text);
        Assert.Equal("waiting for a person", new AutoRestoreOutcome("not restored: there is no verified backup", RestoreVerdict.WaitingForAPerson).Text);
    }

    public void Dispose() => _state.Dispose();
}

using O4O.Recovery.PointInTime;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// Reading <c>pgbackrest verify</c>'s output (2.45 exits 0 whatever it finds): the damaged case as it printed it on this machine,
/// the sound one in the same shape (the CLI tests run the real one).
/// </summary>
public sealed class PhysicalBackupVerificationTests
{
    [Fact]
    public void A_damaged_wal_segment_and_a_missing_backup_file_fail_the_verification_and_are_each_named_once()
    {
        const string output = """
            2026-12-06 10:00:08.514 P00   INFO: verify command begin 2.45: --config=/tmp/x/pgbackrest.conf --log-level-console=info --stanza=o4o --verbose
            2026-12-06 10:00:23.629 P01   INFO: invalid result 15-1/0000000100000000/000000010000000000000002-8decdb47.lz4: [29] raised from local-1 protocol: unexpected eof in compressed data
                                                [FormatError] on retry after 0ms
            2026-12-06 10:00:23.807 P01   INFO: file missing '20261206-095940F/pg_data/base/4/2838.lz4'
            2026-12-06 10:00:23.934 P00   INFO: stanza: o4o
                                                status: error
                                                  archiveId: 15-1, total WAL checked: 4, total valid WAL: 3
                                                    missing: 0, checksum invalid: 0, size invalid: 0, other: 1
                                                  backup: 20261206-095940F, status: invalid, total files checked: 965, total valid files: 964
                                                    missing: 1, checksum invalid: 0, size invalid: 0, other: 0
            2026-12-06 10:00:23.934 P00   INFO: verify command end: completed successfully (15422ms)
            """;

        var result = PhysicalBackupVerification.Read(output);

        Assert.False(result.Passed);
        Assert.Equal(
            [
                "invalid result 15-1/0000000100000000/000000010000000000000002-8decdb47.lz4: [29] raised from local-1 protocol: unexpected eof in compressed data",
                "file missing '20261206-095940F/pg_data/base/4/2838.lz4'",
            ],
            result.Problems);
        Assert.Equal("status: error", result.Summary[0]);
        Assert.Contains("backup: 20261206-095940F, status: invalid, total files checked: 965, total valid files: 964", result.Summary);
    }

    [Fact]
    public void A_repository_whose_every_file_is_valid_passes_with_its_summary()
    {
        const string output = """
            2026-12-06 10:00:08.080 P00   INFO: verify command begin 2.45: --stanza=o4o --verbose
            2026-12-06 10:00:08.483 P00   INFO: stanza: o4o
                                                status: ok
                                                  archiveId: 15-1, total WAL checked: 4, total valid WAL: 4
                                                    missing: 0, checksum invalid: 0, size invalid: 0, other: 0
                                                  backup: 20261206-100002F, status: valid, total files checked: 965, total valid files: 965
                                                    missing: 0, checksum invalid: 0, size invalid: 0, other: 0
            2026-12-06 10:00:08.483 P00   INFO: verify command end: completed successfully (410ms)
            """;

        var result = PhysicalBackupVerification.Read(output);

        Assert.True(result.Passed);
        Assert.Empty(result.Problems);
        Assert.Equal(5, result.Summary.Count);
    }
}

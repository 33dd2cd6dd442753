using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

/// <summary>Real archives of a real database, screened as ransomware would show in them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ArchiveAnomalyTests(ManagedPostgresFixture postgres)
{
    private static readonly DateTimeOffset _today = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_normal_series_of_archives_scores_clean()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        WriteUploads(bed);
        for (var day = 0; day < 5; day++)
        {
            // A shop's day: a few orders, one upload changed.
            await ExecuteAsync(bed, "INSERT INTO orders (user_id, total) SELECT 1 + g % 200, 10 FROM generate_series(1, 20) g");
            await File.AppendAllTextAsync(Path.Combine(PlatformFiles.Uploads(bed.Home), "upload-0.txt"), $"Changed on day {day}.\n");

            var anomaly = await BackUpAndScreenAsync(bed);

            Assert.False(anomaly.Suspicious, string.Join("; ", anomaly.Reasons));
            Assert.Empty(anomaly.Reasons);
        }

        var listed = await BackupListing.ListAsync(bed.BackupDirectory, bed.Catalogue, TimeProvider.System, CancellationToken.None);
        Assert.All(listed, item => Assert.False(item.Anomaly!.Suspicious));
        Assert.Equal(4, listed[^1].Anomaly!.ComparedWith);
        Assert.Empty(await new IncidentStore(bed.Home.StateDatabase).ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Archives_whose_platform_files_were_replaced_by_random_bytes_are_flagged_with_the_reasons_and_on_an_incident()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        WriteUploads(bed);
        for (var day = 0; day < 3; day++)
        {
            await BackUpAndScreenAsync(bed);
        }

        // What ransomware does: every file rewritten in place with ciphertext of the same length.
        foreach (var file in Directory.GetFiles(PlatformFiles.Uploads(bed.Home)))
        {
            await File.WriteAllBytesAsync(file, System.Security.Cryptography.RandomNumberGenerator.GetBytes((int)new FileInfo(file).Length));
        }

        var first = await BackUpAndScreenAsync(bed);
        var second = await BackUpAndScreenAsync(bed);

        Assert.True(first.Suspicious);
        Assert.Contains(first.Reasons, reason => reason.StartsWith("6 platform files' entropy jumped (bits per byte): files/uploads/upload-0.txt 4.", StringComparison.Ordinal));
        Assert.Contains("6 of 6 platform files changed or gone since the last clean archive", first.Reasons);
        Assert.Equal(1.5, first.Score);
        // The second encrypted archive is compared with the clean ones, not with the first encrypted one.
        Assert.True(second.Suspicious, string.Join("; ", second.Reasons));
        var listed = await BackupListing.ListAsync(bed.BackupDirectory, bed.Catalogue, TimeProvider.System, CancellationToken.None);
        Assert.Equal([false, false, false, true, true], listed.Select(item => item.Anomaly!.Suspicious));
        var incident = Assert.Single(await new IncidentStore(bed.Home.StateDatabase).ListAsync(CancellationToken.None));
        Assert.Contains($"archive {listed[3].Name} is suspicious (score 1.5): 6 platform files' entropy jumped", incident.Title, StringComparison.Ordinal);
        Assert.Equal([ArchiveScreening.Component], incident.Components);
        var timeline = await new IncidentStore(bed.Home.StateDatabase).TimelineAsync(incident.Id, CancellationToken.None);
        Assert.Contains(timeline, entry => entry.Text.Contains($"archive {listed[4].Name} is suspicious", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_archive_whose_rows_were_encrypted_is_flagged_for_a_collapsed_compression_ratio()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await ExecuteAsync(bed, """
            CREATE TABLE notes (id bigserial PRIMARY KEY, body text NOT NULL);
            INSERT INTO notes (body) SELECT 'Deliver to the front door and ring twice, order ' || g || '; gift wrap requested.' FROM generate_series(1, 4000) g
            """);
        for (var day = 0; day < 3; day++)
        {
            Assert.False((await BackUpAndScreenAsync(bed)).Suspicious);
        }

        await ExecuteAsync(bed, "UPDATE notes SET body = encode(sha256(body::bytea) || sha256(id::text::bytea), 'base64')");
        var encrypted = await BackUpAndScreenAsync(bed);

        Assert.True(encrypted.Suspicious, string.Join("; ", encrypted.Reasons));
        Assert.Contains(encrypted.Reasons, reason => reason.StartsWith("the dump compresses ", StringComparison.Ordinal)
            && reason.EndsWith("(encrypted content does not compress)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_table_emptied_between_archives_is_flagged_as_rows_lost()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await BackUpAndScreenAsync(bed);
        await ExecuteAsync(bed, "DELETE FROM order_items; DELETE FROM orders");

        var anomaly = await BackUpAndScreenAsync(bed);

        Assert.True(anomaly.Suspicious);
        Assert.Contains("rows dropped since the last clean archive: public.order_items 900→0, public.orders 300→0", anomaly.Reasons);
    }

    [Fact]
    public async Task Prune_keeps_the_archives_of_the_days_before_a_suspicious_one_and_the_newest_clean_one()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        WriteUploads(bed);
        var daysAgo = new[] { 30, 20, 6, 3, 1 };
        var names = new List<string>();
        foreach (var days in daysAgo)
        {
            names.Add(await BackUpAt(bed, _today.AddDays(-days)));
        }

        foreach (var file in Directory.GetFiles(PlatformFiles.Uploads(bed.Home)))
        {
            await File.WriteAllBytesAsync(file, System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096));
        }

        var suspicious = await BackUpAt(bed, _today);
        var options = new BackupOptions { KeepDaily = 1, KeepWeekly = 0, KeepMonthly = 0, KeepDaysBeforeSuspicious = 7 };

        var decisions = await new BackupPruner(bed.BackupDirectory, options, bed.Catalogue).PruneAsync(dryRun: false, CancellationToken.None);

        Assert.Equal([names[2], names[3], names[4], suspicious], ArchiveName.ListArchives(bed.BackupDirectory).Select(Path.GetFileName));
        Assert.Equal([$"before suspicious {suspicious}"], decisions.Single(decision => decision.Name == names[2]).Reasons);
        Assert.Equal(["newest clean", $"before suspicious {suspicious}"], decisions.Single(decision => decision.Name == names[4]).Reasons);
        Assert.Equal(["daily"], decisions.Single(decision => decision.Name == suspicious).Reasons);
    }

    private static async Task<ArchiveAnomaly> BackUpAndScreenAsync(BackupTestBed bed)
    {
        var result = await bed.BackupAsync();
        return await ScreenAsync(bed, Path.GetFileName(result.ArchivePath), TimeProvider.System);
    }

    private static async Task<string> BackUpAt(BackupTestBed bed, DateTimeOffset at)
    {
        var time = new FakeTimeProvider(at);
        var result = await new BackupCreator(bed.Home, bed.BackupDirectory, bed.Server, time).CreateAsync(false, null, null, CancellationToken.None);
        bed.Catalogue.Record(result);
        var name = Path.GetFileName(result.ArchivePath);
        await ScreenAsync(bed, name, time);
        return name;
    }

    private static Task<ArchiveAnomaly> ScreenAsync(BackupTestBed bed, string name, TimeProvider time) =>
        ArchiveScreening.ScreenAsync(bed.BackupDirectory, bed.Catalogue, new BackupOptions(),
            ArchiveScreening.CommandJournal(bed.Home.StateDatabase, new IncidentOptions()), time, name, CancellationToken.None);

    /// <summary>Six text files of a few kilobytes each in the home's uploads.</summary>
    private static void WriteUploads(BackupTestBed bed)
    {
        var uploads = Directory.CreateDirectory(PlatformFiles.Uploads(bed.Home)).FullName;
        for (var index = 0; index < 6; index++)
        {
            var lines = Enumerable.Range(0, 80).Select(line => string.Create(CultureInfo.InvariantCulture,
                $"Invoice {index}-{line}: two boxes of green tea, delivered on Tuesday to the shop on Main Street."));
            File.WriteAllLines(Path.Combine(uploads, $"upload-{index}.txt"), lines);
        }
    }

    private static async Task ExecuteAsync(BackupTestBed bed, string sql)
    {
        await using var connection = new NpgsqlConnection(bed.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using Npgsql;
using O4O.Recovery.Offsite;
using O4O.Recovery.Restore;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Restore;

[Collection(PostgresCollection.Name)]
public sealed class RestoreTests(ManagedPostgresFixture postgres)
{
    private const string Damage = "DELETE FROM order_items WHERE id % 2 = 0; UPDATE products SET stock = 0; INSERT INTO users (email, name) VALUES ('late@example.com', 'Late')";

    [Fact]
    public async Task Restore_brings_back_every_tables_content_and_keeps_the_replaced_database()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var before = await PlatformSchema.HashesAsync(bed.Database);
        var backup = await bed.BackupAsync();
        await PlatformSchema.ScalarAsync(bed.Database, Damage);
        var damaged = await PlatformSchema.HashesAsync(bed.Database);

        var outcome = await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: true, _ => true, null, CancellationToken.None);

        Assert.True(outcome.Swapped);
        Assert.Equal(before, await PlatformSchema.HashesAsync(bed.Database));
        Assert.Equal(damaged, await PlatformSchema.HashesAsync(bed.ConnectionString(outcome.Plan.DisplacedDatabase)));
        Assert.IsType<DBNull>(await PlatformSchema.ScalarAsync(bed.Database, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"));
        Assert.Equal(201L, await PlatformSchema.ScalarAsync(bed.Database, "INSERT INTO users (email, name) VALUES ('new@example.com', 'New') RETURNING id"));
    }

    [Fact]
    public async Task Restored_indexes_and_constraints_are_built_and_validated_exactly_as_in_the_source()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await PlatformSchema.ScalarAsync(bed.Database, """
            ALTER TABLE order_items ADD CONSTRAINT "Unchecked product FK" FOREIGN KEY (product_id) REFERENCES products(id) NOT VALID;
            ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0) NOT VALID;
            """);
        const string Constraints = """
            SELECT (SELECT string_agg(conname || '=' || convalidated, ',' ORDER BY conname) FROM pg_constraint WHERE connamespace = 'public'::regnamespace)
                || (SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public')
            """;
        var before = await PlatformSchema.ScalarAsync(bed.Database, Constraints);
        var backup = await bed.BackupAsync();

        await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: true, _ => true, null, CancellationToken.None);

        Assert.Equal(before, await PlatformSchema.ScalarAsync(bed.Database, Constraints));
        Assert.Contains("Unchecked product FK=False", (string)before!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("orders_user_id_fkey=True", (string)before!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Tables_whose_keys_reference_each_other_come_back_with_both_keys_validated_whatever_their_names()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await PlatformSchema.ScalarAsync(bed.Database, """
            CREATE TABLE "Teams" (id int PRIMARY KEY, captain_id int);
            CREATE TABLE "team members" (id int PRIMARY KEY, team_id int NOT NULL REFERENCES "Teams"(id));
            CREATE INDEX "members by team" ON "team members" (team_id);
            ALTER TABLE "Teams" ADD CONSTRAINT teams_captain_fkey FOREIGN KEY (captain_id) REFERENCES "team members"(id) DEFERRABLE INITIALLY DEFERRED;
            BEGIN;
            INSERT INTO "Teams" SELECT g, CASE WHEN g <= 50 THEN g * 10 END FROM generate_series(1, 60) g;
            INSERT INTO "team members" SELECT g, 1 + g / 10 FROM generate_series(10, 500) g;
            COMMIT;
            """);
        const string Keys = "SELECT string_agg(conname || '=' || convalidated, ',' ORDER BY conname) FROM pg_constraint WHERE contype = 'f'";
        var before = await PlatformSchema.ScalarAsync(bed.Database, Keys);
        var backup = await bed.BackupAsync();

        await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: true, _ => true, null, CancellationToken.None);

        Assert.Equal(before, await PlatformSchema.ScalarAsync(bed.Database, Keys));
        Assert.Contains("teams_captain_fkey=True", (string)before!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("team members_team_id_fkey=True", (string)before!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(491L, await PlatformSchema.ScalarAsync(bed.Database, "SELECT count(*) FROM \"team members\""));
    }

    [Fact]
    public async Task Restored_rows_are_frozen_so_index_only_scans_work_at_once_without_a_vacuum()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();

        await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: true, _ => true, null, CancellationToken.None);

        await using var connection = new NpgsqlConnection(bed.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SET enable_seqscan = off; SET enable_bitmapscan = off;
            EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM order_items WHERE order_id > 0;
            """, connection);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0).Trim());
            }
        }

        Assert.Contains(plan, line => line.Contains("Index Only Scan", StringComparison.Ordinal));
        Assert.Contains("Heap Fetches: 0", plan);
    }

    [Fact]
    public async Task An_archive_without_part_offsets_is_loaded_front_to_back_just_as_completely()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var before = await PlatformSchema.HashesAsync(bed.Database);
        var backup = await bed.BackupAsync();
        var plain = Path.Combine(bed.BackupDirectory, "o4o_backup_20990101_000000.tar.gz");
        await WriteWithoutPartOffsetsAsync(backup, plain);
        await PlatformSchema.ScalarAsync(bed.Database, Damage);

        await bed.Restore().RestoreAsync(plain, databaseOnly: true, _ => true, null, CancellationToken.None);

        Assert.Equal(before, await PlatformSchema.HashesAsync(bed.Database));
    }

    [Fact]
    public async Task A_table_holding_most_of_the_data_is_loaded_on_several_connections_and_comes_back_whole()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await PlatformSchema.ScalarAsync(bed.Database, DominantTable);
        var before = await DominantStateAsync(bed.Database);
        var backup = await bed.BackupAsync();
        await PlatformSchema.ScalarAsync(bed.Database, "DELETE FROM events WHERE id % 3 = 0");

        await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: true, _ => true, null, CancellationToken.None);

        Assert.Contains(backup.Manifest.DatabaseParts!, part => part.Table == "\"public\".\"events\"");
        Assert.Equal(before, await DominantStateAsync(bed.Database));
        // Each loading connection commits its own rows: more than one transaction wrote them.
        Assert.True((long)(await PlatformSchema.ScalarAsync(bed.Database, "SELECT count(DISTINCT xmin::text) FROM events"))! > 1);
    }

    [Fact]
    public async Task An_archive_whose_parts_do_not_name_their_tables_loads_each_part_frozen_on_one_connection_as_before()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await PlatformSchema.ScalarAsync(bed.Database, DominantTable);
        var before = await DominantStateAsync(bed.Database);
        var backup = await bed.BackupAsync();
        var older = Path.Combine(bed.BackupDirectory, "o4o_backup_20990101_000000.tar.gz");
        await WriteWithManifestAsync(backup, older, backup.Manifest with { DatabaseParts = [.. backup.Manifest.DatabaseParts!.Select(part => part with { Table = null })] });
        await PlatformSchema.ScalarAsync(bed.Database, "DELETE FROM events WHERE id % 3 = 0");

        await bed.Restore().RestoreAsync(older, databaseOnly: true, _ => true, null, CancellationToken.None);

        Assert.Equal(before, await DominantStateAsync(bed.Database));
        Assert.Equal(1L, await PlatformSchema.ScalarAsync(bed.Database, "SELECT count(DISTINCT xmin::text) FROM events"));
    }

    [Fact]
    public async Task Undo_swaps_the_replaced_database_back()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        await PlatformSchema.ScalarAsync(bed.Database, Damage);
        var damaged = await PlatformSchema.HashesAsync(bed.Database);
        await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: true, _ => true, null, CancellationToken.None);

        var (restored, keptAs) = await bed.Restore().UndoAsync(_ => true, CancellationToken.None);

        Assert.StartsWith(bed.Server.DatabaseName + "_broken_", restored);
        Assert.Equal(damaged, await PlatformSchema.HashesAsync(bed.Database));
        Assert.Equal(1L, await PlatformSchema.ScalarAsync(bed.ConnectionString("postgres"), $"SELECT count(*) FROM pg_database WHERE datname = '{keptAs}'"));
    }

    [Fact]
    public async Task An_interrupted_restore_leaves_the_live_database_as_it_was_and_removes_its_copy()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        await PlatformSchema.ScalarAsync(bed.Database, Damage);
        var live = await PlatformSchema.HashesAsync(bed.Database);
        using var interrupt = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            bed.Restore().RestoreAsync(backup.ArchivePath, true, _ => true, new SynchronousProgress(interrupt.Cancel), interrupt.Token));

        Assert.Equal(live, await PlatformSchema.HashesAsync(bed.Database));
        Assert.Equal(0L, await CountDatabasesAsync(bed, bed.Server.DatabaseName + "_restore"));
    }

    [Fact]
    public async Task A_truncated_archive_is_refused_as_damaged_and_the_live_database_is_left_as_it_was()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        await PlatformSchema.ScalarAsync(bed.Database, Damage);
        var live = await PlatformSchema.HashesAsync(bed.Database);
        await using (var file = new FileStream(backup.ArchivePath, FileMode.Open, FileAccess.ReadWrite))
        {
            // Inside the dump's second half: what follows the dump (its padding, the platform's files) is far shorter.
            file.SetLength(file.Length - backup.Manifest.DatabaseMember.Size / 2);
        }

        var refusal = await Assert.ThrowsAsync<O4O.Recovery.Backups.BackupCorruptException>(() =>
            bed.Restore().RestoreAsync(backup.ArchivePath, true, _ => true, null, CancellationToken.None));

        Assert.Contains($"member {backup.Manifest.DatabaseMember.Path} is damaged or truncated", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(live, await PlatformSchema.HashesAsync(bed.Database));
        Assert.Equal(0L, await CountDatabasesAsync(bed, bed.Server.DatabaseName + "_restore"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public async Task An_archive_whose_last_gzip_trailer_is_cut_off_is_refused_as_damaged_before_the_swap(int cut)
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        await PlatformSchema.ScalarAsync(bed.Database, Damage);
        var live = await PlatformSchema.HashesAsync(bed.Database);
        await using (var file = new FileStream(backup.ArchivePath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length - cut);
        }

        // The dump's parts are read where the manifest says they lie, and they are whole; the runbook's tar -xzf fails.
        var refusal = await Assert.ThrowsAsync<O4O.Recovery.Backups.BackupCorruptException>(() =>
            bed.Restore().RestoreAsync(backup.ArchivePath, true, _ => true, null, CancellationToken.None));

        Assert.Contains("of gzip member 3 is cut off", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(live, await PlatformSchema.HashesAsync(bed.Database));
        Assert.Equal(0L, await CountDatabasesAsync(bed, bed.Server.DatabaseName + "_restore"));
    }

    [Fact]
    public async Task A_run_killed_mid_swap_is_put_right_by_the_next_run()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        var live = await PlatformSchema.HashesAsync(bed.Database);
        var admin = bed.ConnectionString("postgres");
        var incoming = bed.Server.DatabaseName + "_restore";
        // What kill -9 between pausing connections and the rename leaves: a marked copy, a paused live database, a journal.
        await PlatformSchema.ScalarAsync(admin, $"CREATE DATABASE {incoming}");
        await PlatformSchema.ScalarAsync(admin, $"COMMENT ON DATABASE {incoming} IS '{RestoreDatabases.Marker}'");
        await PlatformSchema.ScalarAsync(admin, $"ALTER DATABASE {bed.Server.DatabaseName} WITH ALLOW_CONNECTIONS false");
        Directory.CreateDirectory(bed.Home.Run);
        await File.WriteAllTextAsync(Path.Combine(bed.Home.Run, "restore.json"),
            $$"""{"liveDatabase":"{{bed.Server.DatabaseName}}","restoreDatabase":"{{incoming}}","connectionsPaused":true,"displacedDatabase":"x"}""");

        var outcome = await bed.Restore().RestoreAsync(backup.ArchivePath, true, _ => false, null, CancellationToken.None);

        Assert.False(outcome.Swapped);
        Assert.Equal(live, await PlatformSchema.HashesAsync(bed.Database));
        Assert.Equal(0L, await CountDatabasesAsync(bed, incoming));
        Assert.False(File.Exists(Path.Combine(bed.Home.Run, "restore.json")));
    }

    [Fact]
    public async Task A_leftover_restore_database_not_made_by_o4o_is_refused_with_the_command_to_remove_it()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var backup = await bed.BackupAsync();
        var incoming = bed.Server.DatabaseName + "_restore";
        await PlatformSchema.ScalarAsync(bed.ConnectionString("postgres"), $"CREATE DATABASE {incoming}");

        var error = await Assert.ThrowsAsync<RestoreRefusedException>(() =>
            bed.Restore().RestoreAsync(backup.ArchivePath, true, _ => true, null, CancellationToken.None));

        Assert.Contains($"DROP DATABASE {incoming}", error.Message);
        Assert.Equal(1L, await CountDatabasesAsync(bed, incoming));
    }

    [Fact]
    public async Task Without_db_only_the_platform_files_are_restored_and_the_replaced_ones_kept()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await File.WriteAllTextAsync(bed.Home.ConfigurationFile, """{"v":1}""");
        var backup = await bed.BackupAsync();
        await File.WriteAllTextAsync(bed.Home.ConfigurationFile, """{"v":2}""");

        var outcome = await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: false, _ => true, null, CancellationToken.None);

        Assert.Equal(1, outcome.FilesRestored);
        Assert.Equal("""{"v":1}""", await File.ReadAllTextAsync(bed.Home.ConfigurationFile));
        var kept = Assert.Single(Directory.GetFiles(bed.Home.Root, "o4o.json", SearchOption.AllDirectories), path => path.Contains("replaced-", StringComparison.Ordinal));
        Assert.Equal("""{"v":2}""", await File.ReadAllTextAsync(kept));
    }

    [Fact]
    public async Task A_restore_never_replaces_the_archive_key_ring_not_even_from_an_archive_crafted_to_hold_one()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        ArchiveKeyStore.LoadOrCreate(bed.Home, TimeProvider.System);
        var ring = await File.ReadAllBytesAsync(ArchiveKeyStore.PathFor(bed.Home));
        var backup = await bed.BackupAsync();
        await CraftedArchive.AddMemberAsync(backup.ArchivePath, "files/secrets/archive-keys/keys.json");

        var outcome = await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: false, _ => true, null, CancellationToken.None);

        Assert.True(outcome.Swapped);
        Assert.Equal(ring, await File.ReadAllBytesAsync(ArchiveKeyStore.PathFor(bed.Home)));
    }

    [Fact]
    public async Task A_failure_restoring_the_platform_files_after_the_swap_is_that_steps_and_the_restore_is_recorded_as_done()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await File.WriteAllTextAsync(bed.Home.ConfigurationFile, """{"v":1}""");
        var backup = await bed.BackupAsync();
        File.Delete(bed.Home.ConfigurationFile);
        // A directory where the file goes: putting the file back fails after the databases were swapped.
        Directory.CreateDirectory(bed.Home.ConfigurationFile);

        var outcome = await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: false, _ => true, null, CancellationToken.None);

        Assert.True(outcome.Swapped);
        Assert.NotNull(outcome.FilesFailure);
        Assert.Equal(1L, await CountDatabasesAsync(bed, outcome.Plan.DisplacedDatabase));
        Assert.Equal(
            [("swapped", outcome.Plan.DisplacedDatabase), ("files failed", outcome.FilesFailure)],
            await RestoreRecordsAsync(bed));
    }

    private static async Task<List<(string Outcome, string? Detail)>> RestoreRecordsAsync(BackupTestBed bed)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={bed.Home.StateDatabase};Pooling=false");
        await connection.OpenAsync();
        await using var command = new Microsoft.Data.Sqlite.SqliteCommand("SELECT outcome, detail FROM backup_restores ORDER BY rowid", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var records = new List<(string, string?)>();
        while (await reader.ReadAsync())
        {
            records.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return records;
    }

    private static async Task<long> CountDatabasesAsync(BackupTestBed bed, string name)
    {
        await using var connection = new NpgsqlConnection(bed.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = name } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Progress that reports on the caller's thread, so an interruption lands mid-load.</summary>
    private sealed class SynchronousProgress(Action onReport) : IProgress<long>
    {
        public void Report(long value) => onReport();
    }

    /// <summary>A table holding most of the bytes (several MiB of COPY data, more than one chunk), with a key and two indexes.</summary>
    private const string DominantTable = """
        CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL, amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL, payload jsonb NOT NULL);
        INSERT INTO events (kind, amount, created_at, payload)
            SELECT '주문 ' || g, g * 0.25, timestamptz '2024-01-01' + g * interval '1 minute', jsonb_build_object('token', md5(g::text), 'n', g)
            FROM generate_series(1, 60000) g;
        CREATE INDEX events_kind ON events (kind);
        CREATE INDEX events_created_at ON events (created_at);
        """;

    private static async Task<string> DominantStateAsync(string database) =>
        (string)(await PlatformSchema.ScalarAsync(database, """
            SELECT count(*) || ':' || md5(string_agg(e::text, '|' ORDER BY id))
                || (SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'events')
            FROM events e
            """))!;

    /// <summary>Rewrites <paramref name="backup"/> the way archives were written before the manifest recorded part offsets.</summary>
    private static Task WriteWithoutPartOffsetsAsync(O4O.Recovery.Backups.BackupResult backup, string path) =>
        WriteWithManifestAsync(backup, path, backup.Manifest with { DatabaseParts = null });

    /// <summary>Rewrites <paramref name="backup"/> with <paramref name="manifestToWrite"/> (an older format's), its dump unchanged.</summary>
    private static async Task WriteWithManifestAsync(O4O.Recovery.Backups.BackupResult backup, string path, O4O.Recovery.Backups.BackupManifest manifestToWrite)
    {
        var member = backup.Manifest.DatabaseMember.Path;
        using var dump = new MemoryStream();
        await using (var reader = new TarReader(new GZipStream(File.OpenRead(backup.ArchivePath), CompressionMode.Decompress)))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                if (entry.Name == member)
                {
                    await entry.DataStream!.CopyToAsync(dump);
                }
            }
        }

        await using var gzip = new GZipStream(File.Create(path), CompressionLevel.NoCompression);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        using var manifest = new MemoryStream(manifestToWrite.ToJson());
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, O4O.Recovery.Backups.ArchiveName.ManifestMember) { DataStream = manifest });
        dump.Position = 0;
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, member) { DataStream = dump });
    }
}

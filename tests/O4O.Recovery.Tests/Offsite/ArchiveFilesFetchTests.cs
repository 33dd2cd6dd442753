using System.Diagnostics;
using System.Globalization;
using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>
/// A restore from a physical set needs of the newest archive only its configuration and platform files: only the sealed
/// chunks that hold the manifest and the files come down from the bucket, and the files are put back from them, checked.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ArchiveFilesFetchTests(ManagedPostgresFixture postgres, S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task Only_the_chunks_of_the_manifest_and_the_files_come_down_and_the_files_are_put_back_from_them()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await using (var connection = new NpgsqlConnection(bed.Database))
        {
            // Several megabytes of dump that hardly compress, ahead of the files.
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "CREATE TABLE noise AS SELECT n, (SELECT string_agg(md5(random()::text || n || g), '') FROM generate_series(1, 100) g) AS junk FROM generate_series(1, 4000) n",
                connection);
            await command.ExecuteNonQueryAsync();
        }

        await File.WriteAllTextAsync(bed.Home.ConfigurationFile, "{\"Platform\": {\"Port\": 4123}}");
        Directory.CreateDirectory(PlatformFiles.Uploads(bed.Home));
        await File.WriteAllTextAsync(Path.Combine(PlatformFiles.Uploads(bed.Home), "logo.txt"), "logo");
        var archive = await bed.BackupAsync();
        var name = Path.GetFileName(archive.ArchivePath);
        var offsite = ArchiveUploadTests.OffsiteOf(server);
        using var bucket = OffsiteBucket.Open(bed.Home, offsite);
        await new ArchiveUpload(bed.Home, bucket, new OffsiteCopies(bed.Home.StateDatabase), offsite, TimeProvider.System).UploadAsync(archive.ArchivePath, CancellationToken.None);
        var fresh = new O4OHome(Directory.CreateTempSubdirectory("o4o-files-fetch-").FullName);
        try
        {
            var copy = await ArchiveFilesFetch.FetchAsync(bucket, name, ArchiveKeyStore.Load(bed.Home)!, fresh.Root, CancellationToken.None);

            Assert.NotNull(copy);
            Assert.Equal(new FileInfo(archive.ArchivePath).Length, new FileInfo(copy).Length);
            var brought = await AllocatedAsync(copy);
            Assert.True(brought < 3 * ArchiveCipher.DefaultChunkSize && new FileInfo(copy).Length > 5 * ArchiveCipher.DefaultChunkSize,
                $"{brought} bytes of {new FileInfo(copy).Length} in the copy");
            await PlatformFilesRestore.RestoreAsync(fresh, copy, DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.Contains("4123", await File.ReadAllTextAsync(fresh.ConfigurationFile), StringComparison.Ordinal);
            Assert.Equal("logo", await File.ReadAllTextAsync(Path.Combine(PlatformFiles.Uploads(fresh), "logo.txt")));
        }
        finally
        {
            Directory.Delete(fresh.Root, recursive: true);
        }
    }

    // The bytes the file takes on disk: a sparse copy holds only what was written into it.
    private static async Task<long> AllocatedAsync(string file)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["--format=%b %B", file]) { RedirectStandardOutput = true })!;
        var fields = (await stat.StandardOutput.ReadToEndAsync()).Split(' ');
        await stat.WaitForExitAsync();
        return long.Parse(fields[0], CultureInfo.InvariantCulture) * long.Parse(fields[1], CultureInfo.InvariantCulture);
    }
}

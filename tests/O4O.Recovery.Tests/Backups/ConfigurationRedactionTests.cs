using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using O4O.Recovery.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

/// <summary>o4o.json goes into archives without its secrets unless asked, and a restore keeps the live secrets.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConfigurationRedactionTests(ManagedPostgresFixture postgres)
{
    private static readonly string[] _secrets = ["hunter2", "T0/B0/XXXX", "mailpass", "c2lnbmluZ2tleQ==", "hc-ping.com", "smokepass", "proxypass", "s3cr3t"];

    private const string Configuration = """
        {
          // the shop's settings; this comment stays
          "Database": { "ConnectionString": "Host=db;Username=o4o;Password=hunter2;Database=o4o_platform" },
          "Notifications": {
            "Channels": {
              "ops": { "Type": "slack", "Url": "https://hooks.slack.com/services/T0/B0/XXXX" },
              "mail": { "Type": "email", "Host": "smtp.example.com", "Username": "alerts", "Password": "mailpass", "To": [ "oncall@example.com" ] }
            }
          },
          "Auth": { "SigningKey": "c2lnbmluZ2tleQ==" },
          "Heartbeat": { "Url": "https://hc-ping.com/2f9a" },
          "Verify": { "Email": "smoke@example.com", "Password": "smokepass" },
          "Proxy": "http://user:proxypass@proxy:3128",
          "Payments": { "ApiToken": "s3cr3t" },
          "Backup": { "Schedule": "0 3 * * *", "KeepDaily": 7 },
        }
        """;

    [Fact]
    public void Secrets_are_redacted_in_place_and_everything_else_is_kept_as_written()
    {
        var redacted = Encoding.UTF8.GetString(ConfigurationRedaction.Redact(Encoding.UTF8.GetBytes(Configuration), "o4o.json"));

        Assert.All(_secrets, secret => Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal));
        Assert.Equal(Configuration.Split('\n').Length, redacted.Split('\n').Length);
        Assert.Contains("// the shop's settings; this comment stays", redacted, StringComparison.Ordinal);
        Assert.Contains("\"Host=db;Username=o4o;Password=REDACTED-BY-O4O-BACKUP;Database=o4o_platform\"", redacted, StringComparison.Ordinal);
        Assert.Contains("\"Url\": \"REDACTED-BY-O4O-BACKUP\"", redacted, StringComparison.Ordinal);
        Assert.Contains("\"http://user:REDACTED-BY-O4O-BACKUP@proxy:3128\"", redacted, StringComparison.Ordinal);
        Assert.Contains("\"Host\": \"smtp.example.com\", \"Username\": \"alerts\"", redacted, StringComparison.Ordinal);
        Assert.Contains("[ \"oncall@example.com\" ]", redacted, StringComparison.Ordinal);
        Assert.Contains("\"Schedule\": \"0 3 * * *\", \"KeepDaily\": 7", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_default_backup_holds_o4o_json_without_its_secrets_and_include_secrets_keeps_it_verbatim()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await File.WriteAllTextAsync(bed.Home.ConfigurationFile, Configuration);

        var redacted = await ArchivedConfigurationAsync((await bed.BackupAsync()).ArchivePath);
        var kept = await ArchivedConfigurationAsync((await bed.Creator().CreateAsync(includeSecrets: true, null, null, CancellationToken.None)).ArchivePath);

        Assert.All(_secrets, secret => Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal));
        Assert.Equal(Configuration, kept);
    }

    [Fact]
    public async Task Restoring_a_redacted_o4o_json_brings_back_the_settings_and_keeps_the_live_secrets()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await File.WriteAllTextAsync(bed.Home.ConfigurationFile, Configuration);
        var backup = await bed.BackupAsync();
        var live = Configuration.Replace("0 3 * * *", "0 4 * * *", StringComparison.Ordinal)
            .Replace("mailpass", "rotated-mailpass", StringComparison.Ordinal)
            .Replace("\"Payments\": { \"ApiToken\": \"s3cr3t\" },", "", StringComparison.Ordinal);
        await File.WriteAllTextAsync(bed.Home.ConfigurationFile, live);

        await bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: false, _ => true, null, CancellationToken.None);

        var restored = await File.ReadAllTextAsync(bed.Home.ConfigurationFile);
        Assert.Contains("\"Schedule\": \"0 3 * * *\"", restored, StringComparison.Ordinal);
        Assert.Contains("\"Password\": \"rotated-mailpass\"", restored, StringComparison.Ordinal);
        Assert.Contains("\"Url\": \"https://hooks.slack.com/services/T0/B0/XXXX\"", restored, StringComparison.Ordinal);
        Assert.Contains("\"Host=db;Username=o4o;Password=hunter2;Database=o4o_platform\"", restored, StringComparison.Ordinal);
        Assert.Contains("\"ApiToken\": \"REDACTED-BY-O4O-BACKUP\"", restored, StringComparison.Ordinal);
    }

    private static async Task<string> ArchivedConfigurationAsync(string archive)
    {
        await using var reader = new TarReader(new GZipStream(File.OpenRead(archive), CompressionMode.Decompress));
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name == "files/o4o.json")
            {
                using var text = new StreamReader(entry.DataStream!);
                return await text.ReadToEndAsync();
            }
        }

        throw new InvalidOperationException($"{archive} holds no files/o4o.json.");
    }
}

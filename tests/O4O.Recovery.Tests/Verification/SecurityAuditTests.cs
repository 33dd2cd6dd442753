using O4O.Recovery.Verification;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Verification;

public sealed class SecurityAuditTests(ManagedPostgresFixture postgres) : IClassFixture<ManagedPostgresFixture>
{
    [Fact]
    public async Task Failed_logins_in_the_window_are_grouped_by_address_and_account_with_locked_accounts_and_new_admins()
    {
        var database = await postgres.CreateDatabaseAsync("audit");
        await PlatformSchema.CreateAsync(database);
        await PlatformSchema.ExecuteAsync(database, """
            INSERT INTO auth_events (at, email, client_address, succeeded, reason)
            SELECT now() - interval '1 minute' * i, 'admin@o4o.local', '203.0.113.9', false, 'wrong password' FROM generate_series(1, 12) i;
            INSERT INTO auth_events (at, email, client_address, succeeded, reason) VALUES
                (now() - interval '2 hours', 'kim@o4o.local', '198.51.100.4', false, 'locked'),
                (now() - interval '3 hours', 'kim@o4o.local', '198.51.100.4', false, 'wrong password'),
                (now() - interval '1 hour', 'kim@o4o.local', '198.51.100.4', true, 'ok'),
                (now() - interval '30 hours', 'old@o4o.local', '192.0.2.1', false, 'wrong password');
            INSERT INTO users (email, password_hash, role, created_at, locked_until) VALUES
                ('kim@o4o.local', 'x', 'customer', now() - interval '90 days', now() + interval '10 minutes'),
                ('was-locked@o4o.local', 'x', 'customer', now() - interval '90 days', now() - interval '1 minute'),
                ('new-admin@o4o.local', 'x', 'admin', now() - interval '3 hours', NULL),
                ('old-admin@o4o.local', 'x', 'admin', now() - interval '90 days', NULL);
            """);
        var audit = new SecurityAudit(database);
        var now = DateTimeOffset.UtcNow;

        var failed = await audit.FailedLoginsAsync(now.AddHours(-24), default);
        var locked = await audit.LockedAccountsAsync(now, default);
        var admins = await audit.NewAdminsAsync(now.AddHours(-24), default);

        Assert.Equal([("203.0.113.9", "admin@o4o.local", 12L, "wrong password"), ("198.51.100.4", "kim@o4o.local", 2L, "locked, wrong password")],
            failed.Select(group => (group.ClientAddress, group.Email, group.Attempts, group.Reasons)));
        Assert.Equal(["kim@o4o.local"], locked.Select(account => account.Email));
        Assert.Equal(["new-admin@o4o.local"], admins.Select(admin => admin.Email));
    }

    [Fact]
    public void Files_changed_in_the_window_are_listed_relative_to_the_platform_directory()
    {
        var directory = Directory.CreateTempSubdirectory("o4o-platform-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "wwwroot"));
        File.WriteAllText(Path.Combine(directory, "O4O.Platform.dll"), "old");
        File.SetLastWriteTimeUtc(Path.Combine(directory, "O4O.Platform.dll"), DateTime.UtcNow.AddDays(-3));
        File.WriteAllText(Path.Combine(directory, "wwwroot", "shell.php"), "<?php system($_GET['c']);");

        var changed = FileChanges.Since(directory, DateTimeOffset.UtcNow.AddHours(-24));

        Assert.Equal([Path.Combine("wwwroot", "shell.php")], changed.Select(file => file.Path));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void A_file_changed_after_the_checksums_were_recorded_is_found_even_with_its_old_modification_time()
    {
        var directory = Directory.CreateTempSubdirectory("o4o-platform-").FullName;
        var record = Path.Combine(Directory.CreateTempSubdirectory("o4o-home-").FullName, "platform.sha256");
        var dll = Path.Combine(directory, "O4O.Platform.dll");
        File.WriteAllText(dll, "original");
        File.WriteAllText(Path.Combine(directory, "appsettings.json"), "{}");
        var writtenAt = File.GetLastWriteTimeUtc(dll);

        Assert.Equal(2, PlatformChecksums.Record(directory, record));
        Assert.Empty(PlatformChecksums.Compare(directory, record)!);
        File.WriteAllText(dll, "tampered");
        File.SetLastWriteTimeUtc(dll, writtenAt);
        File.Delete(Path.Combine(directory, "appsettings.json"));
        File.WriteAllText(Path.Combine(directory, "backdoor.dll"), "x");

        Assert.Equal([new ChecksumDifference("O4O.Platform.dll", "modified"), new ChecksumDifference("appsettings.json", "removed"),
            new ChecksumDifference("backdoor.dll", "added")], PlatformChecksums.Compare(directory, record));
        Assert.Null(PlatformChecksums.Compare(directory, record + ".missing"));
        Directory.Delete(directory, recursive: true);
        Directory.Delete(Path.GetDirectoryName(record)!, recursive: true);
    }
}

using Microsoft.Playwright;
using O4O.EndToEnd.Tests.Browser;
using O4O.EndToEnd.Tests.Supervision;

namespace O4O.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard's WAL-archiving card in Debian's Chromium against a real <c>o4o up</c> whose repository breaks and is mended.</summary>
public sealed class DashboardWalArchivingTests
{
    [Fact]
    public async Task The_WAL_archiving_card_shows_the_recovery_window_and_goes_red_while_the_repository_refuses_segments_then_green_again()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string>
        {
            ["O4O__Archiving__LagThreshold"] = "00:00:05",
            ["O4O__Archiving__WatchInterval"] = "00:00:01",
            ["O4O__Archiving__Timeout"] = "00:00:01",
        });
        await ArchiveRepository.WaitForCheckAndFirstBackupAsync(up);
        await using var dashboard = await DashboardBrowser.SignInAsync(up);
        var (context, page) = (dashboard.Context, dashboard.Page);
        var card = page.Locator("[data-component=wal-archive]");

        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "ok", new() { Timeout = 30_000 });
        await Assertions.Expect(card.Locator("[data-testid=wal-recovery-window]")).ToContainTextAsync("any moment since");
        await Assertions.Expect(card.Locator("[data-testid=last-archived]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("[0-9A-F]{24}"));
        await BrowserFixture.ScreenshotAsync(page, "dashboard-wal-archiving.png");
        ArchiveRepository.MakeUnwritable(up);
        try
        {
            await ArchiveRepository.WriteTrafficAsync(up);
            await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "down", new() { Timeout = 20_000 });
            await Assertions.Expect(card.Locator("[data-testid=archive-error]")).ToContainTextAsync("Permission denied", new() { Timeout = 20_000 });
            await BrowserFixture.ScreenshotAsync(page, "dashboard-wal-failing.png");
            var korean = await context.NewPageAsync();
            await korean.GotoAsync("/?lang=ko");
            var koreanCard = korean.Locator("[data-component=wal-archive]");
            await Assertions.Expect(koreanCard).ToContainTextAsync("WAL 아카이빙");
            await Assertions.Expect(koreanCard).ToContainTextAsync("archive_command 실패 중");
            await Assertions.Expect(koreanCard.Locator("[data-testid=wal-recovery-window]")).ToContainTextAsync("이후 어느 시점으로든");
            await BrowserFixture.ScreenshotAsync(korean, "dashboard-wal-failing-ko.png");
        }
        finally
        {
            ArchiveRepository.MakeWritable(up);
        }

        await ArchiveRepository.WriteTrafficAsync(up);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "ok", new() { Timeout = 60_000 });
    }
}

using Microsoft.Playwright;

namespace O4O.EndToEnd.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ShopAccountTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_visitor_registers_in_Korean_with_the_keyboard_signs_out_and_signs_in_again()
    {
        var email = $"jiwoo.{Guid.NewGuid():N}@example.com";
        var page = await browser.NewPageAsync(locale: "ko-KR");
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "회원가입" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await page.GetByLabel("이메일").FocusAsync();
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("short");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByLabel("비밀번호")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#password-error")).ToHaveTextAsync("8~128자로 입력하세요.");
        await BrowserFixture.ScreenshotAsync(page, "register-invalid-ko.png");

        await page.GetByLabel("비밀번호").FocusAsync();
        await page.Keyboard.TypeAsync("Customer-password-1");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "로그아웃" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".shop-nav")).ToContainTextAsync(email);
        await BrowserFixture.ScreenshotAsync(page, "signed-in-ko.png");

        await page.GetByRole(AriaRole.Button, new() { Name = "로그아웃" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("Customer-password-1");
        await BrowserFixture.ScreenshotAsync(page, "sign-in.png");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }
}

using Microsoft.Playwright;
using O4O.EndToEnd.Tests.Processes;

namespace O4O.EndToEnd.Tests.Browser;

/// <summary>What a person does in the console, step by step, with the labels they read.</summary>
internal static class ConsolePages
{
    public static async Task SignInAsync(IPage page, string path = "/admin")
    {
        await page.GotoAsync(path);
        await page.GetByLabel("Email").FillAsync(O4OProcess.AdminEmail);
        await page.GetByLabel("Password").FillAsync(O4OProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>Whether the page is wider than the window, i.e. scrolls sideways.</summary>
    public static Task<bool> ScrollsSidewaysAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
}

using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace O4O.Recovery.Dashboard;

/// <summary>
/// The dashboard's HTML: the page's frame and labels are rendered here; the live parts are filled by
/// <c>assets/dashboard.js</c> from <c>/api/state</c>. No inline script (the content security policy forbids it).
/// </summary>
internal static class DashboardPage
{
    /// <summary>The page for <paramref name="actor"/>, signed in, whose actions send <paramref name="csrf"/>.</summary>
    public static string Render(DashboardText text, string actor, string csrf) => Frame(text, $"""
        <meta name="csrf-token" content="{E(csrf)}">
        <script type="application/json" id="o4o-text">{JsonSerializer.Serialize(text.Words).Replace("<", "\\u003c", StringComparison.Ordinal)}</script>
        <script src="/assets/dashboard.js" defer></script>
        """, $"""
        <header class="bar">
          <h1>{E(text["title"])}</h1>
          <p class="who">{E(text["signedInAs"])} <strong>{E(actor)}</strong> · <span id="updated" aria-live="polite"></span></p>
          <form method="post" action="/sign-out"><button type="submit" class="quiet">{E(text["signOut"])}</button></form>
        </header>
        <main>
          <p id="offline" class="alert" role="alert" hidden>{E(text["offline"])}</p>
          <p id="notifications" class="alert" role="alert" data-testid="notification-warning" hidden></p>
          <section aria-labelledby="h-components">
            <h2 id="h-components">{E(text["components"])}</h2>
            <div id="components" class="cards"></div>
          </section>
          <section aria-labelledby="h-patroni" id="patroni-section" hidden>
            <h2 id="h-patroni">{E(text["patroniTitle"])}</h2>
            <div id="patroni"></div>
          </section>
          <section aria-labelledby="h-chart">
            <h2 id="h-chart">{E(text["chart"])}</h2>
            <p class="help">{E(text["chartHelp"])}</p>
            <div id="charts" class="charts"></div>
          </section>
          <div class="columns">
            <section aria-labelledby="h-controls">
              <h2 id="h-controls">{E(text["controls"])}</h2>
              <div id="controls"></div>
            </section>
            <section aria-labelledby="h-backups">
              <h2 id="h-backups">{E(text["backupsTitle"])}</h2>
              <div id="backups"></div>
            </section>
          </div>
          <section aria-labelledby="h-releases">
            <h2 id="h-releases">{E(text["releasesTitle"])}</h2>
            <div id="releases"></div>
          </section>
          <section aria-labelledby="h-incidents">
            <h2 id="h-incidents">{E(text["incidents"])}</h2>
            <div id="incidents"></div>
          </section>
          <p id="error" class="alert" role="alert" hidden></p>
        </main>
        """);

    /// <summary>The sign-in form; <paramref name="alert"/> is the text key of why the last token, session or post was refused, if any, filled with <paramref name="alertArguments"/>.</summary>
    public static string SignIn(DashboardText text, string? alert = null, params object[] alertArguments) => Frame(text, "", $"""
        <main class="sign-in">
          <h1>{E(text["signInTitle"])}</h1>
          <form method="post" action="/sign-in">
            <input type="hidden" name="lang" value="{(text.IsKorean ? "ko" : "en")}">
            <label for="token">{E(text["token"])}</label>
            <p id="token-help" class="help">{E(text["signInHelp"])}</p>
            <input id="token" name="token" type="password" autocomplete="off" required aria-describedby="token-help" autofocus>
            {(alert is null ? "" : $"<p class=\"alert\" role=\"alert\">{E(string.Format(CultureInfo.InvariantCulture, text[alert], alertArguments))}</p>")}
            <button type="submit">{E(text["signIn"])}</button>
          </form>
        </main>
        """);

    private static string Frame(DashboardText text, string head, string body) => $"""
        <!DOCTYPE html>
        <html lang="{(text.IsKorean ? "ko" : "en")}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(text["title"])}</title>
        <link rel="stylesheet" href="/assets/dashboard.css">
        {head}
        </head>
        <body>
        {body}
        </body>
        </html>
        """;

    private static readonly HtmlEncoder _encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string E(string value) => _encoder.Encode(value);
}

using Microsoft.Playwright;

namespace HeartRule.IntegrationTests;

/// <summary>What the browser tests share: Debian's Chromium (never a downloaded one), screenshots kept as artefacts, and a record of the states a page showed.</summary>
public static class Browser
{
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // No sandbox as root; no background traffic on a machine without a network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

    /// <summary>A picture of the whole page beside the test assembly (screenshots/), which eng/test.sh keeps in .artifacts.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, name + ".png"), FullPage = true });
    }

    /// <summary>
    /// Records, from each page's first moment, every connection state its header shows (#status data-state) and each
    /// time its typing indicator appears or goes: states too short-lived to be polled for are still seen.
    /// </summary>
    public static Task RecordStatesAsync(IBrowserContext context) => context.AddInitScriptAsync("""
        window.__states = [];
        window.__typing = [];
        document.addEventListener("DOMContentLoaded", () => {
          const status = document.getElementById("status");
          const typing = document.getElementById("typing");
          new MutationObserver(() => window.__states.push(status.dataset.state)).observe(status, { attributes: true, attributeFilter: ["data-state"] });
          if (typing) new MutationObserver(() => window.__typing.push(!typing.hidden)).observe(typing, { attributes: true, attributeFilter: ["hidden"] });
        });
        """);

    public static Task<string[]> StatesAsync(IPage page) => page.EvaluateAsync<string[]>("() => window.__states");

    public static Task<bool[]> TypingAsync(IPage page) => page.EvaluateAsync<bool[]>("() => window.__typing");

    /// <summary>What sticks out past the viewport's right edge (so that the page scrolls sideways): empty when the page fits.</summary>
    public static Task<string[]> OverflowAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => document.documentElement.scrollWidth <= window.innerWidth ? [] : [...document.querySelectorAll("body *")]
          .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className ? "." + String(e.className).replace(/ /g, ".") : ""} ${Math.round(e.getBoundingClientRect().right)}px`)
        """);

    /// <summary>Signs in on a page's sign-in form (Development sign-in) and waits for its socket.</summary>
    public static async Task SignInAsync(IPage page, string userId, string role = "client")
    {
        await page.FillAsync("#user", userId);
        await page.SelectOptionAsync("#role", role);
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 15000 });
    }

    /// <summary>
    /// Makes every sign-in of the page ask for a token that expires within the test; past the first
    /// <paramref name="granted"/>, sign-ins are refused (401), as they are once a sign-in has ended. Returns how many were asked for.
    /// </summary>
    public static async Task<Func<int>> ShortLivedSignInsAsync(IPage page, int lifetimeSeconds, int granted = int.MaxValue)
    {
        var signIns = 0;
        await page.RouteAsync("**/auth/dev-token", async route =>
        {
            if (Interlocked.Increment(ref signIns) > granted)
            {
                await route.FulfillAsync(new RouteFulfillOptions { Status = 401, ContentType = "application/problem+json", Body = """{"code":"UNAUTHORIZED","detail":"Signed out."}""" });
                return;
            }
            var body = System.Text.Json.Nodes.JsonNode.Parse(route.Request.PostData!)!.AsObject();
            body["lifetimeSeconds"] = lifetimeSeconds;
            await route.ContinueAsync(new RouteContinueOptions { PostData = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()) });
        });
        return () => Volatile.Read(ref signIns);
    }
}

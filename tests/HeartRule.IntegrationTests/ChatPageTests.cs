using HeartRule.Protocol;
using Microsoft.Playwright;

namespace HeartRule.IntegrationTests;

/// <summary>The chat page in a real browser (Debian's Chromium), against the real system.</summary>
[Collection(SystemCollection.Name)]
public sealed class ChatPageTests(SystemFixture system)
{
    private static async Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // No sandbox as root; no background traffic on a machine without a network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

    [Fact]
    public async Task With_debug_on_every_turn_shows_its_position_changes_variables_and_LLM_calls()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(system.GatewayHttp(1).ToString());
        await page.FillAsync("#user", "web-author");
        await page.SelectOptionAsync("#role", "author");
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = 15000 });
        await page.CheckAsync("#debug");
        await page.ClickAsync("#start");
        await Assertions.Expect(page.Locator("#text")).ToBeEnabledAsync(new() { Timeout = 15000 });
        await page.FillAsync("#text", "Alex");
        await page.PressAsync("#text", "Enter");

        var turns = page.Locator("#turns > li");
        await Assertions.Expect(turns).ToHaveCountAsync(2, new() { Timeout = 15000 });
        var latest = turns.First;
        await Assertions.Expect(latest.Locator("h3")).ToContainTextAsync("#6 waiting_input — intake › getting_to_know › ask_reason");
        await Assertions.Expect(latest.Locator("table").First).ToContainTextAsync("client_name");
        await Assertions.Expect(latest.Locator("table").First).ToContainTextAsync("Alex");
        await Assertions.Expect(latest.Locator("details summary").First).ToContainTextAsync("LLM");
        await latest.Locator("details summary").First.ClickAsync();
        await Assertions.Expect(latest.Locator("details pre").First).Not.ToBeEmptyAsync();

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "chat-debug.png"), FullPage = true });
    }

    [Fact]
    public async Task The_page_refreshes_its_token_before_it_expires_and_keeps_its_socket()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        // Every sign-in the page makes asks for a short-lived token, so that it expires within the test.
        var signIns = 0;
        await page.RouteAsync("**/auth/dev-token", async route =>
        {
            Interlocked.Increment(ref signIns);
            var body = System.Text.Json.Nodes.JsonNode.Parse(route.Request.PostData!)!.AsObject();
            body["lifetimeSeconds"] = 7;
            await route.ContinueAsync(new RouteContinueOptions { PostData = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()) });
        });
        var sockets = 0;
        var refreshed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.WebSocket += (_, socket) =>
        {
            Interlocked.Increment(ref sockets);
            socket.FrameReceived += (_, frame) =>
            {
                if (frame.Text?.Contains("\"type\":\"auth.refreshed\"", StringComparison.Ordinal) == true) refreshed.TrySetResult();
            };
        };
        await page.GotoAsync(system.GatewayHttp().ToString());
        await page.FillAsync("#user", "web-refresher");
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = 15000 });
        // A token issued now for as long: its socket closing (4001) marks the page's first token as dead too.
        await using var witness = await HeartRuleClient.ConnectAsync(system.GatewayWs(), TestTokens.Issue("web-witness", lifetime: TimeSpan.FromSeconds(7)),
            keepAlive: SystemFixture.IdleTimeout / 4);
        await page.SelectOptionAsync("#script", "intake");
        await page.ClickAsync("#start");
        await Assertions.Expect(page.Locator("#text")).ToBeEnabledAsync(new() { Timeout = 15000 });

        await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await foreach (var _ in witness.Frames.ReadAllAsync(timeout.Token))
            {
            }
        }
        Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus)4001, witness.CloseStatus);

        await page.FillAsync("#text", "Alex");
        await page.PressAsync("#text", "Enter");
        await Assertions.Expect(page.Locator("#messages li").Last).ToHaveTextAsync("Nice to meet you, Alex. What brings you here today?", new() { Timeout = 15000 });
        // One socket all along: refreshed in place, not reconnected after a 4001.
        Assert.Equal(1, sockets);
        Assert.True(signIns >= 2);
    }

    [Fact]
    public async Task A_person_signs_in_picks_the_intake_script_and_talks_it_to_the_end()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(system.GatewayHttp().ToString());

        await page.FillAsync("#user", "web-person");
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = 15000 });
        await page.SelectOptionAsync("#script", "intake");
        await page.ClickAsync("#start");

        var messages = page.Locator("#messages li");
        await Assertions.Expect(messages.Last).ToHaveTextAsync("What name would you like me to call you?", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#text")).ToBeEnabledAsync();

        await page.FillAsync("#text", "Alex");
        await page.PressAsync("#text", "Enter");
        await Assertions.Expect(messages.Last).ToHaveTextAsync("Nice to meet you, Alex. What brings you here today?", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#text")).ToBeEnabledAsync();

        await page.FillAsync("#text", "trouble sleeping");
        await page.ClickAsync("#send");
        await Assertions.Expect(messages.Last).ToHaveTextAsync("The session is complete.", new() { Timeout = 15000 });

        var texts = await messages.AllInnerTextsAsync();
        Assert.Equal(
        [
            "Welcome to HeartRule. This is a safe, private space, and we can go at your pace.",
            "What name would you like me to call you?",
            "Alex",
            "Nice to meet you, Alex. What brings you here today?",
            "trouble sleeping",
            "Thank you, Alex. Together we will work on trouble sleeping.",
            "The session is complete.",
        ], texts);
        Assert.Equal(["assistant", "assistant", "user", "assistant", "user", "assistant"],
            await messages.EvaluateAllAsync<string[]>("items => items.slice(0, 6).map(li => li.classList[0])"));

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "chat-intake.png"), FullPage = true });
    }
}

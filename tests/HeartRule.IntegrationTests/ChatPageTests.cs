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
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US" });
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
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US" });
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
        await Assertions.Expect(page.Locator("#messages li .text").Last).ToHaveTextAsync("Nice to meet you, Alex. What brings you here today?", new() { Timeout = 15000 });
        // One socket all along: refreshed in place, not reconnected after a 4001.
        Assert.Equal(1, sockets);
        Assert.True(signIns >= 2);
    }

    [Fact]
    public async Task A_person_signs_in_picks_the_intake_script_and_talks_it_to_the_end()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US" });
        await page.GotoAsync(system.GatewayHttp().ToString());

        await page.FillAsync("#user", "web-person");
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = 15000 });
        await page.SelectOptionAsync("#script", "intake");
        await page.ClickAsync("#start");

        var messages = page.Locator("#messages li .text");
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
            await page.Locator("#messages li").EvaluateAllAsync<string[]>("items => items.slice(0, 6).map(li => li.classList[0])"));
        // Each message says when it was sent, the way the browser's language writes a time.
        await Assertions.Expect(page.Locator("#messages li time").First).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^[A-Z][a-z]{2} \d{1,2}, \d{4}"));

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "chat-intake.png"), FullPage = true });
    }

    [Fact]
    public async Task A_Chinese_reader_talks_the_Chinese_intake_through_on_Chinese_pages_and_can_switch_to_English()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN", TimezoneId = "Asia/Shanghai" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(system.GatewayHttp().ToString());

        // The page speaks the browser's language.
        await Assertions.Expect(page.Locator("#signin")).ToHaveTextAsync("登录", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.Locator("#language")).ToHaveValueAsync("zh-CN");
        await Assertions.Expect(page.Locator("#text")).ToHaveAttributeAsync("placeholder", "输入你的回答…");
        await page.FillAsync("#user", "web-zh-author");
        await page.SelectOptionAsync("#role", "author");
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("已连接", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#script option[value=intake_zh]")).ToHaveTextAsync("初次访谈（第 1 版）");
        await page.SelectOptionAsync("#script", "intake_zh");
        await page.CheckAsync("#debug");
        await page.ClickAsync("#start");

        var texts = page.Locator("#messages li .text");
        await Assertions.Expect(texts.Last).ToHaveTextAsync("我该怎么称呼你呢？", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#text")).ToBeEnabledAsync();
        await page.FillAsync("#text", "叫我小林就好");
        await page.PressAsync("#text", "Enter");
        await Assertions.Expect(texts.Last).ToHaveTextAsync("很高兴认识你，小林。是什么让你今天来到这里？", new() { Timeout = 15000 });

        // The debug panel: Chinese words around the script's Chinese variable, and the Chinese template the model was given.
        var latest = page.Locator("#turns > li").First;
        await Assertions.Expect(latest.Locator("h3")).ToContainTextAsync("intake › getting_to_know › ask_reason（ai_ask，第 1/3 轮）");
        var changes = latest.Locator("table").First;
        await Assertions.Expect(changes.Locator("th").First).ToHaveTextAsync("变化");
        await Assertions.Expect(changes.Locator("td").First).ToHaveTextAsync("称呼");
        await Assertions.Expect(changes).ToContainTextAsync("小林");
        await Assertions.Expect(latest.Locator("details summary").First).ToContainTextAsync("模板 builtin/zh-CN/ai_ask");

        await Assertions.Expect(page.Locator("#text")).ToBeEnabledAsync();
        await page.FillAsync("#text", "我最近总是睡不好，因为换了工作");
        await page.ClickAsync("#send");
        await Assertions.Expect(texts.Last).ToHaveTextAsync("本次会话已结束。", new() { Timeout = 15000 });
        Assert.Equal(
        [
            "欢迎来到 HeartRule。这里是一个安全、私密的空间，我们可以按照你的节奏慢慢来。",
            "我该怎么称呼你呢？",
            "叫我小林就好",
            "很高兴认识你，小林。是什么让你今天来到这里？",
            "我最近总是睡不好，因为换了工作",
            "谢谢你，小林。你提到了最近总是睡不好，因为换了工作，这确实不容易。接下来我们一起慢慢面对。",
            "本次会话已结束。",
        ], await texts.AllInnerTextsAsync());
        // Times the way Chinese writes them.
        await Assertions.Expect(page.Locator("#messages li time").First).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^\d{4}年\d{1,2}月\d{1,2}日"));

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "chat-intake-zh.png"), FullPage = true });

        // Switched to English: the page's own words change, the conversation stays as it was said, and the choice is kept.
        await page.SelectOptionAsync("#language", "en");
        await Assertions.Expect(page.Locator("#signin")).ToHaveTextAsync("Sign in");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected");
        await Assertions.Expect(texts.Last).ToHaveTextAsync("The session is complete.");
        await Assertions.Expect(texts.First).ToHaveTextAsync("欢迎来到 HeartRule。这里是一个安全、私密的空间，我们可以按照你的节奏慢慢来。");
        await Assertions.Expect(page.Locator("#messages li time").First).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^[A-Z][a-z]{2} \d{1,2}, \d{4}"));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#signin")).ToHaveTextAsync("Sign in", new() { Timeout = 15000 });
    }

    [Fact]
    public async Task A_counsellor_sees_a_crisis_arrive_watches_takes_over_speaks_and_hands_back()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US" });
        await page.GotoAsync(system.GatewayHttp(1).ToString());
        await page.FillAsync("#user", "web-counsellor");
        await page.SelectOptionAsync("#role", "counsellor");
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#queuePanel")).ToBeVisibleAsync();

        // A client on the other gateway node says they do not want to live: the flag appears in the queue, live.
        await using var client = await system.ConnectAsync("web-client-in-crisis", node: 0);
        var (sessionId, _) = await client.StartAsync("intake");
        await client.SayAsync(sessionId, "Alex");
        await client.SayAsync(sessionId, "I don't want to be here any more");
        var flag = page.Locator($"#queue li[data-session='{sessionId}']");
        await Assertions.Expect(flag.Locator(".text")).ToContainTextAsync("High risk", new() { Timeout = 15000 });

        await flag.Locator("button.watch").ClickAsync();
        var messages = page.Locator("#messages li .text");
        await Assertions.Expect(messages.Nth(4)).ToHaveTextAsync("I don't want to be here any more", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#messages li.assistant").Last).ToContainTextAsync("116 123");

        await page.ClickAsync("#take");
        await Assertions.Expect(page.Locator("#release")).ToBeEnabledAsync(new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#messages li.system").Last).ToContainTextAsync("A counsellor from our team has joined");
        var joined = await client.ReadTurnAsync();
        Assert.Equal("system", Assert.Single(joined.Messages).Role);

        await page.FillAsync("#text", "Hi Alex, I'm here with you. Are you safe right now?");
        await page.PressAsync("#text", "Enter");
        var spoken = await client.ReadTurnAsync();
        Assert.Equal(("counsellor", "Hi Alex, I'm here with you. Are you safe right now?"), (spoken.Messages[0].Role, spoken.Messages[0].Content));
        await client.SayAsync(sessionId, "Yes, I'm at home.");
        await Assertions.Expect(messages.Last).ToHaveTextAsync("Yes, I'm at home.", new() { Timeout = 15000 });

        await page.ClickAsync("#release");
        await Assertions.Expect(page.Locator("#take")).ToBeEnabledAsync(new() { Timeout = 15000 });
        Assert.Equal("system", Assert.Single((await client.ReadTurnAsync()).Messages).Role);
        var resumed = await client.SayAsync(sessionId, "trouble sleeping");
        Assert.Equal("completed", resumed.Completed.ExecutionStatus);

        await flag.Locator("button.resolve").ClickAsync();
        await Assertions.Expect(flag).ToHaveCountAsync(0, new() { Timeout = 15000 });

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "counsellor.png"), FullPage = true });
    }
}

using System.Net.Http.Json;
using HeartRule.Protocol;
using Microsoft.Playwright;

namespace HeartRule.IntegrationTests;

/// <summary>The chat page in a real browser (Debian's Chromium), against the real system.</summary>
[Collection(SystemCollection.Name)]
public sealed class ChatPageTests(SystemFixture system)
{
    [Fact]
    public async Task With_debug_on_every_turn_shows_its_position_changes_variables_and_LLM_calls()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
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

        await Browser.ScreenshotAsync(page, "chat-debug");
    }

    [Fact]
    public async Task The_page_refreshes_its_token_before_it_expires_and_keeps_its_socket()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US" });
        var signIns = await Browser.ShortLivedSignInsAsync(page, lifetimeSeconds: 7);
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
        Assert.True(signIns() >= 2);
    }

    [Fact]
    public async Task A_person_signs_in_picks_the_intake_script_and_talks_it_to_the_end()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
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

        await Browser.ScreenshotAsync(page, "chat-intake");
    }

    [Fact]
    public async Task A_Chinese_reader_talks_the_Chinese_intake_through_on_Chinese_pages_and_can_switch_to_English()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
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

        await Browser.ScreenshotAsync(page, "chat-intake-zh");

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
        await using var browser = await Browser.LaunchAsync(playwright);
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

        await Browser.ScreenshotAsync(page, "counsellor");
    }

    [Fact]
    public async Task A_person_continues_an_earlier_session_in_a_second_tab_and_both_tabs_show_the_same_conversation()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        await Browser.RecordStatesAsync(context);
        var first = await context.NewPageAsync();
        await first.GotoAsync(system.GatewayHttp(0).ToString());
        await Browser.SignInAsync(first, "web-two-tabs");
        await first.SelectOptionAsync("#script", "intake");
        await first.ClickAsync("#start");
        var firstTexts = first.Locator("#messages li .text");
        await Assertions.Expect(firstTexts.Last).ToHaveTextAsync("What name would you like me to call you?", new() { Timeout = 15000 });
        var sessionId = SessionOf(first);
        await system.WaitUntilStoredAsync(sessionId, turns: 1);

        // A second tab, phone-sized: signed in as the same person, it lists the session, and the keyboard alone continues it.
        var second = await context.NewPageAsync();
        await second.SetViewportSizeAsync(375, 812);
        await second.GotoAsync(system.GatewayHttp(0).ToString());
        var listed = second.Locator($"#sessions li[data-session='{sessionId}']");
        await Assertions.Expect(listed).ToContainTextAsync("in progress", new() { Timeout = 15000 });
        await listed.Locator("button.continue").FocusAsync();
        await second.Keyboard.PressAsync("Enter");
        var secondTexts = second.Locator("#messages li .text");
        await Assertions.Expect(secondTexts.Last).ToHaveTextAsync("What name would you like me to call you?", new() { Timeout = 15000 });
        // The composer opens with the focus, and the focus shows.
        await Assertions.Expect(second.Locator("#text")).ToBeFocusedAsync();
        Assert.True(await second.EvaluateAsync<bool>("() => document.activeElement.matches(':focus-visible') && getComputedStyle(document.activeElement).outlineStyle === 'solid'"));
        await second.Keyboard.TypeAsync("Alex");
        await second.Keyboard.PressAsync("Enter");

        const string reply = "Nice to meet you, Alex. What brings you here today?";
        await Assertions.Expect(secondTexts.Last).ToHaveTextAsync(reply, new() { Timeout = 15000 });
        await Assertions.Expect(firstTexts.Last).ToHaveTextAsync(reply, new() { Timeout = 15000 });
        // The first tab saw a turn run that the second started: its typing indicator came on with the input and went with the turn.
        var typing = Runs(await Browser.TypingAsync(first));
        Assert.Equal([false, true, false, true, false], typing);

        await Assertions.Expect(first.Locator("#text")).ToBeEnabledAsync();
        await first.FillAsync("#text", "trouble sleeping");
        await first.PressAsync("#text", "Enter");
        await Assertions.Expect(firstTexts.Last).ToHaveTextAsync("The session is complete.", new() { Timeout = 15000 });
        await Assertions.Expect(secondTexts.Last).ToHaveTextAsync("The session is complete.", new() { Timeout = 15000 });
        string[] conversation =
        [
            "Welcome to HeartRule. This is a safe, private space, and we can go at your pace.",
            "What name would you like me to call you?",
            "Alex",
            reply,
            "trouble sleeping",
            "Thank you, Alex. Together we will work on trouble sleeping.",
            "The session is complete.",
        ];
        Assert.Equal(conversation, await firstTexts.AllInnerTextsAsync());
        Assert.Equal(conversation, await secondTexts.AllInnerTextsAsync());
        await Assertions.Expect(first.Locator($"#sessions li[data-session='{sessionId}']")).ToContainTextAsync("complete", new() { Timeout = 15000 });
        await Browser.ScreenshotAsync(second, "chat-second-tab-375px");
        Assert.Empty(await Browser.OverflowAsync(second));
    }

    [Fact]
    public async Task After_the_server_drops_the_socket_mid_turn_and_after_the_browser_was_offline_the_chat_resumes_with_every_message_once()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        await Browser.RecordStatesAsync(context);
        // The page's sockets go through here: the test can drop one as a server would, and, while "offline", no
        // socket reaches the server (the browser's own offline mode leaves open WebSockets alone).
        var offline = false;
        var dropOnAck = false;
        (IWebSocketRoute Page, IWebSocketRoute Server)? current = null;
        await context.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/ws"), ws =>
        {
            if (Volatile.Read(ref offline))
            {
                _ = ws.CloseAsync();
                return;
            }
            var server = ws.ConnectToServer();
            current = (ws, server);
            ws.OnMessage(frame => server.Send(frame.Text!));
            server.OnMessage(frame =>
            {
                ws.Send(frame.Text!);
                if (!dropOnAck || !frame.Text!.Contains("\"type\":\"ack\"", StringComparison.Ordinal)) return;
                // The input is accepted and its turn runs: the server closes the socket (a restart) before the turn ends.
                dropOnAck = false;
                _ = ws.CloseAsync(new WebSocketRouteCloseOptions { Code = 1012, Reason = "service restart" });
                _ = server.CloseAsync();
            });
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(system.GatewayHttp().ToString());
        await Browser.SignInAsync(page, "web-resumer");
        await page.SelectOptionAsync("#script", "intake");
        await page.ClickAsync("#start");
        var texts = page.Locator("#messages li .text");
        await Assertions.Expect(texts.Last).ToHaveTextAsync("What name would you like me to call you?", new() { Timeout = 15000 });

        dropOnAck = true;
        await page.FillAsync("#text", "Alex");
        await page.PressAsync("#text", "Enter");
        await Assertions.Expect(texts.Last).ToHaveTextAsync("Nice to meet you, Alex. What brings you here today?", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("connected");
        var states = await Browser.StatesAsync(page);
        Assert.Contains("reconnecting", states.SkipWhile(s => s != "connected"));
        Assert.False(dropOnAck, "the socket was not dropped");
        // The turn has ended (its turn.completed follows the message it shows): only then is the next input taken.
        await Assertions.Expect(page.Locator("#text")).ToBeEnabledAsync();

        // The network goes: the socket is lost and no new one gets through; the page says the server is unreachable.
        Volatile.Write(ref offline, true);
        await context.SetOfflineAsync(true);
        await current!.Value.Page.CloseAsync();
        await current.Value.Server.CloseAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "unreachable", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("UNREACHABLE");
        // What is said meanwhile goes out once the network is back.
        await page.FillAsync("#text", "trouble sleeping");
        await page.PressAsync("#text", "Enter");
        await Assertions.Expect(page.Locator("#typing")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "chat-offline");
        Volatile.Write(ref offline, false);
        await context.SetOfflineAsync(false);

        await Assertions.Expect(texts.Last).ToHaveTextAsync("The session is complete.", new() { Timeout = 30000 });
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected");
        await Assertions.Expect(page.Locator("#problem")).ToBeHiddenAsync();
        // Every message once, in order: what the page shows is what was stored.
        var sessionId = SessionOf(page);
        await system.WaitUntilStoredAsync(sessionId, turns: 3);
        using var api = await system.ApiClientAsync("web-resumer");
        var stored = (await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/sessions/{sessionId}/messages")).GetProperty("items").EnumerateArray()
            .Select(m => $"{m.GetProperty("seq").GetInt64()} {m.GetProperty("content").GetString()}").ToList();
        var shown = await page.Locator("#messages li[data-seq]").EvaluateAllAsync<string[]>("items => items.map(li => `${li.dataset.seq} ${li.querySelector('.text').textContent}`)");
        Assert.Equal(stored, shown);
        Assert.Equal(6, shown.Length);
        await Browser.ScreenshotAsync(page, "chat-resumed");
    }

    [Fact]
    public async Task When_the_sign_in_expires_and_cannot_be_renewed_the_page_says_so_and_asks_to_sign_in_again()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US" });
        // The first sign-in gives a token that expires within the test; every later one is refused.
        await Browser.ShortLivedSignInsAsync(page, lifetimeSeconds: 5, granted: 1);
        await page.GotoAsync(system.GatewayHttp().ToString());
        await Browser.SignInAsync(page, "web-expiring");

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("sign-in expired", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("UNAUTHORIZED Your sign-in has expired. Sign in again to go on.");
        await Assertions.Expect(page.Locator("#user")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#text")).ToBeDisabledAsync();
        await Browser.ScreenshotAsync(page, "chat-expired");
    }

    /// <summary>The session a chat page shows, from its address (?session=).</summary>
    private static Guid SessionOf(IPage page) =>
        Guid.Parse(System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query)["session"]!);

    /// <summary>The values in order, each run of equal ones as one.</summary>
    private static bool[] Runs(bool[] values) => [.. values.Where((v, i) => i == 0 || values[i - 1] != v)];
}

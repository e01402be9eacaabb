using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>
/// Chinese and English through the whole system: a session's locale from its script or its start, errors in the
/// reader's language on the socket and over HTTP, a broken Chinese script explained in either.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class LocaleTests(SystemFixture system)
{
    private async Task<HeartRuleClient> ConnectAsync(string userId, string? query = null, string? acceptLanguage = null, params string[] roles) =>
        await HeartRuleClient.ConnectAsync(new UriBuilder(system.GatewayWs()) { Query = query ?? "" }.Uri, await system.TokenAsync(userId, 0, roles),
            configure: acceptLanguage is null ? null : o => o.SetRequestHeader("Accept-Language", acceptLanguage), keepAlive: SystemFixture.IdleTimeout / 4);

    private async Task<HttpClient> HttpFor(string userId, string acceptLanguage, params string[] roles)
    {
        var http = new HttpClient { BaseAddress = system.GatewayHttp() };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await system.TokenAsync(userId, 0, roles));
        http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        return http;
    }

    [Fact]
    public async Task A_Chinese_script_is_talked_in_Chinese_and_an_English_one_can_be_started_in_Chinese()
    {
        await using var client = await ConnectAsync("locale-talker", roles: "author");
        var (sessionId, first) = await client.StartAsync("intake_zh");
        Assert.Equal(["欢迎来到 HeartRule。这里是一个安全、私密的空间，我们可以按照你的节奏慢慢来。", "我该怎么称呼你呢？"], first.AiTexts);
        var second = await client.SayAsync(sessionId, "我叫王芳。");
        Assert.Equal(["很高兴认识你，王芳。是什么让你今天来到这里？"], second.AiTexts);
        var change = Assert.Single(JsonSerializer.Deserialize<JsonElement[]>(second.Completed.ChangedVariables.GetRawText())!);
        Assert.Equal(("称呼", "王芳"), (change.GetProperty("name").GetString(), change.GetProperty("newValue").GetString()));

        // The English intake in a Chinese session: the script's words stay the author's, the engine's own are Chinese,
        // and the model is given the Chinese templates.
        var requestId = Guid.NewGuid().ToString("N");
        await client.SendAsync(new SessionStartFrame { RequestId = requestId, ScriptId = "intake", Locale = "zh-cn", Debug = true });
        var started = await client.WaitForAsync<SessionStartedFrame>(f => f.RequestId == requestId);
        var opening = await client.ReadTurnAsync();
        var templates = opening.Completed.Debug!.Value.GetProperty("llmCalls").EnumerateArray().Select(c => c.GetProperty("template").GetString());
        Assert.Equal(["builtin/zh-CN/ai_say", "builtin/zh-CN/ai_ask"], templates);
        var nudge = await client.SayAsync(started.SessionId, " ");
        Assert.Equal(["不着急，慢慢来。准备好了再告诉我你的回答就好。"], nudge.AiTexts);
    }

    [Fact]
    public async Task A_socket_words_its_errors_in_its_locale_and_so_do_the_refusals_that_come_back_over_the_bus()
    {
        await using var client = await ConnectAsync("locale-errors", query: "locale=zh-CN");
        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"type":"dance"}"""));
        Assert.Equal("未知的帧类型“dance”。", (await client.WaitForAsync<ErrorFrame>()).Message);

        // Sessions refuses the start (no such script) in the words of the socket that asked.
        await client.SendAsync(new SessionStartFrame { RequestId = "s1", ScriptId = "no_such_script" });
        var refused = await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "s1");
        Assert.Equal(("SCRIPT_NOT_FOUND", "没有脚本“no_such_script”。"), (refused.Code, refused.Message));

        await client.SendAsync(new LocaleChangeFrame { RequestId = "l1", Locale = "en-GB" });
        Assert.Equal("en", (await client.WaitForAsync<LocaleChangedFrame>(f => f.RequestId == "l1")).Locale);
        await client.SendAsync(new SessionStartFrame { RequestId = "s2", ScriptId = "no_such_script" });
        Assert.Equal("There is no script \"no_such_script\".", (await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "s2")).Message);
        await client.SendAsync(new SessionStartFrame { RequestId = "s3", ScriptId = "intake", Locale = "zh_CN" });
        var invalid = await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "s3");
        Assert.Equal(("INVALID_FRAME", "\"locale\" must be a BCP 47 language tag such as en or zh-CN, not \"zh_CN\"."), (invalid.Code, invalid.Message));
    }

    [Fact]
    public async Task Without_a_locale_parameter_the_browsers_Accept_Language_decides_and_a_refused_handshake_reads_it_too()
    {
        await using (var client = await ConnectAsync("locale-browser", acceptLanguage: "zh-TW,zh;q=0.9,en;q=0.8"))
        {
            await client.SendRawAsync(new byte[] { 1 }, System.Net.WebSockets.WebSocketMessageType.Binary);
            Assert.Equal("不接受二进制帧；请发送 JSON 文本帧。", (await client.WaitForAsync<ErrorFrame>()).Message);
        }

        await using var raw = await RawHttp.ConnectAsync(system.GatewayHttp());
        await raw.SendAsync(RawHttp.UpgradeHead(system.GatewayHttp(), null, extraHeaders: "Accept-Language: zh-CN\r\n"));
        var head = await raw.ReadHeadAsync();
        Assert.StartsWith("HTTP/1.1 401 ", head);
        var length = int.Parse(head.Split("\r\n").Single(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))["Content-Length:".Length..].Trim());
        var problem = JsonDocument.Parse(await raw.ReadAsync(length)).RootElement;
        Assert.Equal(("UNAUTHORIZED", "未授权", "这个请求需要 Bearer 访问令牌。"),
            (problem.GetProperty("code").GetString(), problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("zh-CN", "脚本校验错误", "脚本有 5 处错误；没有保存任何内容。", "缺少必填字段“action_id”")]
    [InlineData("en", "Script validation error", "The script has 5 error(s); nothing was stored.", "'action_id' is required")]
    public async Task A_broken_Chinese_script_is_explained_over_the_API_in_the_language_Accept_Language_asks_for(
        string acceptLanguage, string title, string detail, string firstMessage)
    {
        using var http = await HttpFor("locale-author", acceptLanguage, "author");
        using var response = await http.PostAsJsonAsync("/api/scripts/validate", new { yaml = TestScripts.BrokenChinese("broken_zh") });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("SCRIPT_VALIDATION_ERROR", title, detail), (problem.GetProperty("code").GetString(), problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString()));
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(
        [
            ("session.phases[0].topics[0].actions[0].action_id", 11, 15, "required"),
            ("session.phases[0].topics[0].actions[1].action_type", 14, 28, "enum"),
            ("session.phases[0].topics[0].actions[2].config.max_rounds", 23, 29, "constraint"),
            ("session.phases[0].topics[0].actions[2].config.tonе", 24, 17, "structure"),
            ("session.phases[0].topics[0].actions[2].condition", 20, 26, "reference"),
        ], errors.Select(e => (e.GetProperty("path").GetString(), e.GetProperty("line").GetInt32(), e.GetProperty("column").GetInt32(), e.GetProperty("kind").GetString())));
        Assert.Equal(firstMessage, errors[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_session_created_over_HTTP_takes_its_scripts_language_or_the_one_asked_for_and_shows_it()
    {
        using var http = await HttpFor("locale-http", "zh-CN");
        using var chinese = await http.PostAsJsonAsync("/api/sessions", new { scriptId = "intake_zh" });
        var session = await chinese.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((HttpStatusCode.Created, "zh-CN"), (chinese.StatusCode, session.GetProperty("locale").GetString()));
        Assert.Equal("我该怎么称呼你呢？", session.GetProperty("messages")[1].GetProperty("content").GetString());

        using var english = await http.PostAsJsonAsync("/api/sessions", new { scriptId = "intake", locale = "en-GB" });
        Assert.Equal("en-GB", (await english.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("locale").GetString());

        using var malformed = await http.PostAsJsonAsync("/api/sessions", new { scriptId = "intake", locale = "zh_CN" });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var problem = await malformed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("VALIDATION_FAILED", "“locale”必须是 BCP 47 语言标签（例如 en 或 zh-CN），而不是“zh_CN”。", "你是不是想写“zh-CN”？"),
            (problem.GetProperty("code").GetString(), problem.GetProperty("detail").GetString(), problem.GetProperty("errors")[0].GetProperty("suggestion").GetString()));

        // Stored: the read API shows it once Persistence has the first turn.
        var id = session.GetProperty("sessionId").GetGuid();
        JsonElement detail = default;
        for (var i = 0; i < 100 && detail.ValueKind != JsonValueKind.Object; i++)
        {
            using var read = await http.GetAsync($"/api/sessions/{id}");
            if (read.StatusCode == HttpStatusCode.OK) detail = await read.Content.ReadFromJsonAsync<JsonElement>();
            else await Task.Delay(100);
        }
        Assert.Equal("zh-CN", detail.GetProperty("locale").GetString());
    }
}

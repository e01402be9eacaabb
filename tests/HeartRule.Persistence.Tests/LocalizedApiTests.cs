using System.Net;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Persistence.Turns;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;
using static HeartRule.Persistence.Tests.Fixtures.TestTurns;

namespace HeartRule.Persistence.Tests;

/// <summary>The API speaks the reader's language (Accept-Language); codes, paths, lines and columns stay the same in every one.</summary>
[Collection(ServersCollection.Name)]
public sealed class LocalizedApiTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private readonly string _author = "author-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync() => (_host, _) = await servers.HostAsync("api");

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient Reader(string? acceptLanguage, string? userId = null)
    {
        var client = _host.Client(userId ?? _author, Roles.Author);
        if (acceptLanguage is not null) client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        return client;
    }

    private static IEnumerable<(string?, int?, int?, string?)> Places(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("path").GetString(),
            e.GetProperty("line").GetInt32() as int?, e.GetProperty("column").GetInt32() as int?, e.GetProperty("kind").GetString()));

    [Fact]
    public async Task A_broken_Chinese_script_is_explained_in_Chinese_or_English_as_the_reader_asks()
    {
        var yaml = TestScripts.BrokenChinese("broken_zh");
        var chineseResponse = await Reader("zh-CN,zh;q=0.9,en;q=0.8").PostYamlAsync("/api/scripts/validate", yaml);
        Assert.Equal("zh-CN", Assert.Single(chineseResponse.Content.Headers.ContentLanguage));
        var chinese = await IsProblemAsync(chineseResponse, ErrorCodes.ScriptValidationError);
        var english = await IsProblemAsync(await Reader("en").PostYamlAsync("/api/scripts/validate", yaml), ErrorCodes.ScriptValidationError);

        Assert.Equal(("脚本校验错误", "脚本有 5 处错误；没有保存任何内容。"), (chinese.GetProperty("title").GetString(), chinese.GetProperty("detail").GetString()));
        Assert.Equal(("Script validation error", "The script has 5 error(s); nothing was stored."), (english.GetProperty("title").GetString(), english.GetProperty("detail").GetString()));
        Assert.Equal("修正列出的每一个问题（每个都有路径和建议），然后重新上传。", chinese.GetProperty("recovery").GetProperty("suggestion").GetString());
        Assert.Equal(Places(english), Places(chinese));
        Assert.Equal(5, Places(chinese).Count());

        var errors = chinese.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!);
        var missing = errors["session.phases[0].topics[0].actions[0].action_id"];
        Assert.Equal(("缺少必填字段“action_id”", "缺失", "添加“action_id: ask_name”"),
            (missing.GetProperty("message").GetString(), missing.GetProperty("actual").GetString(), missing.GetProperty("suggestion").GetString()));
        var type = errors["session.phases[0].topics[0].actions[1].action_type"];
        Assert.Equal(("未知的 action_type“ai_sya”", "你是不是想写“ai_say”？"), (type.GetProperty("message").GetString(), type.GetProperty("suggestion").GetString()));
        var rounds = errors["session.phases[0].topics[0].actions[2].config.max_rounds"];
        Assert.Equal(("“max_rounds”必须在 1 到 10 之间", 23, 29), (rounds.GetProperty("message").GetString(), rounds.GetProperty("line").GetInt32(), rounds.GetProperty("column").GetInt32()));
        Assert.Equal("'max_rounds' must be between 1 and 10",
            english.GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("path").GetString()!.EndsWith("max_rounds", StringComparison.Ordinal)).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("zh", "zh-CN")]
    [InlineData("zh-TW, zh;q=0.8", "zh-CN")]
    [InlineData("fr-FR, de;q=0.5", "en")]
    [InlineData(null, "en")]
    public async Task The_language_is_the_best_one_Accept_Language_names(string? acceptLanguage, string expected)
    {
        var response = await Reader(acceptLanguage).GetAsync("/api/no-such-route");
        var problem = await IsProblemAsync(response, ErrorCodes.NotFound);
        Assert.Equal(expected == "zh-CN" ? "/api/no-such-route 处没有资源。" : "There is no resource at /api/no-such-route.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_refused_token_and_a_bad_query_are_explained_in_Chinese()
    {
        var anonymous = _host.Client(null);
        anonymous.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
        var unauthorized = await IsProblemAsync(await anonymous.GetAsync("/api/scripts"), ErrorCodes.Unauthorized);
        Assert.Equal(("未授权", "这个请求需要 Bearer 访问令牌。"), (unauthorized.GetProperty("title").GetString(), unauthorized.GetProperty("detail").GetString()));

        var invalid = await IsProblemAsync(await Reader("zh-CN").GetAsync("/api/sessions?pageSize=1000"), ErrorCodes.ValidationFailed);
        Assert.Equal("pageSize 必须在 1 到 100 之间。", invalid.GetProperty("detail").GetString());
        var issue = invalid.GetProperty("errors")[0];
        Assert.Equal(("pageSize", "1 到 100 之间的整数", "1000"), (issue.GetProperty("path").GetString(), issue.GetProperty("expected").GetString(), issue.GetProperty("actual").GetString()));
    }

    [Fact]
    public async Task A_session_shows_its_locale_and_its_last_error_reads_in_the_reader_language()
    {
        var writer = _host.Get<TurnWriter>();
        var user = "zh-user-" + Guid.NewGuid().ToString("N")[..8];
        var chinese = Guid.NewGuid();
        await writer.WriteAsync(Turn(chinese, 0, user) with { Locale = "zh-CN" }, CancellationToken.None);
        await writer.WriteAsync(Turn(chinese, 1, user, executionStatus: "error",
            error: new ErrorInfo(ErrorCodes.LlmTimeout, "语言模型没有及时回应；请再次发送同样的内容。", true)) with
        { Locale = "zh-CN" }, CancellationToken.None);
        var old = Guid.NewGuid();
        await writer.WriteAsync(Turn(old, 0, user), CancellationToken.None);

        var detail = await JsonAsync(await Reader("zh-CN", user).GetAsync($"/api/sessions/{chinese}"));
        Assert.Equal("zh-CN", detail.GetProperty("locale").GetString());
        var lastError = detail.GetProperty("lastError");
        Assert.Equal(("语言模型超时", "语言模型没有及时回应；请再次发送同样的内容。"), (lastError.GetProperty("title").GetString(), lastError.GetProperty("detail").GetString()));
        var inEnglish = (await JsonAsync(await Reader("en", user).GetAsync($"/api/sessions/{chinese}"))).GetProperty("lastError");
        Assert.Equal(("LLM timeout", "The language model took too long; retry the same input."),
            (inEnglish.GetProperty("title").GetString(), inEnglish.GetProperty("recovery").GetProperty("suggestion").GetString()));

        var list = await JsonAsync(await Reader(null, user).GetAsync("/api/sessions"));
        var locales = list.GetProperty("items").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetGuid(), s => s.GetProperty("locale").GetString());
        Assert.Equal("zh-CN", locales[chinese]);
        Assert.Null(locales[old]);
        Assert.Equal(HttpStatusCode.OK, (await Reader(null, user).GetAsync($"/api/sessions/{old}")).StatusCode);
    }
}

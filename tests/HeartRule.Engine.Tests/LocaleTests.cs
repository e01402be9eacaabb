using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

/// <summary>A session's locale: where it comes from, which prompt templates it picks, and the words the engine adds.</summary>
public class LocaleTests
{
    private static string Script(string? language, string sessionExtra = "") => Yaml.SessionText("""
        - action_type: ai_say
          action_id: hello
          config: { content: Hello, require_acknowledgment: false }
        - action_type: ai_ask
          action_id: ask
          config: { content: "What is your name?", output: [ { get: name } ] }
        """, sessionExtra, metadata: language is null ? "name: Locale test" : $"name: Locale test\nlanguage: {language}");

    private static async Task<(TurnResult Turn, ScriptedChatClient Chat)> StartAsync(string yaml, string? locale, string? templates = null)
    {
        var chat = new ScriptedChatClient((_, _) => """{"content": "x"}""");
        var executor = new ScriptExecutor(chat, new EngineOptions { TemplatesDirectory = templates });
        var turn = await executor.StartAsync(TestScripts.LoadValid(yaml), null, locale);
        Assert.Equal(ExecutionStatus.WaitingInput, turn.Status);
        return (turn, chat);
    }

    [Fact]
    public void The_script_language_comes_from_its_metadata_in_canonical_case()
    {
        Assert.Equal("zh-CN", TestScripts.LoadValid(Script("ZH-cn")).Language);
        Assert.Null(TestScripts.LoadValid(Script(null)).Language);
    }

    [Fact]
    public async Task A_session_speaks_the_script_language_unless_it_was_started_in_another()
    {
        var (byScript, chat) = await StartAsync(Script("zh-CN"), null);
        Assert.Equal("zh-CN", byScript.State.Locale);
        Assert.Equal(["builtin/zh-CN/ai_say", "builtin/zh-CN/ai_ask"], byScript.LlmCalls.Select(c => c.Template));
        Assert.Contains("安全边界与伦理规范", chat.Calls[0].Prompt);
        Assert.Contains("请用简体中文回复来访者。", chat.Calls[0].Prompt);
        Assert.Equal("zh-CN", chat.Calls[0].Options!.AdditionalProperties![LlmHints.Locale]);

        var (overridden, english) = await StartAsync(Script("zh-CN"), "en-GB");
        Assert.Equal("en-GB", overridden.State.Locale);
        Assert.Equal(["builtin/en/ai_say", "builtin/en/ai_ask"], overridden.LlmCalls.Select(c => c.Template));
        Assert.Contains("Write everything you say to the client in English.", english.Calls[0].Prompt);

        var (plain, _) = await StartAsync(Script(null), null);
        Assert.Equal("en", plain.State.Locale);
    }

    [Fact]
    public async Task A_locale_without_templates_falls_back_to_the_script_language_then_English()
    {
        var (onChinese, chat) = await StartAsync(Script("zh-CN"), "fr-CA");
        Assert.Equal("fr-CA", onChinese.State.Locale);
        Assert.Equal("builtin/zh-CN/ai_say", onChinese.LlmCalls[0].Template);
        // The model is told the session's language even when the template is another's.
        Assert.Contains("请用fr-CA回复来访者。", chat.Calls[0].Prompt);

        var (onGerman, _) = await StartAsync(Script("de"), "fr-CA");
        Assert.Equal("builtin/en/ai_say", onGerman.LlmCalls[0].Template);
    }

    [Fact]
    public async Task A_scheme_overrides_templates_per_locale_and_a_locale_beats_a_scheme()
    {
        var dir = Directory.CreateTempSubdirectory("heartrule-templates");
        try
        {
            void Write(string scheme, string locale, string name, string text)
            {
                Directory.CreateDirectory(Path.Combine(dir.FullName, scheme, locale));
                File.WriteAllText(Path.Combine(dir.FullName, scheme, locale, name + ".md"), text);
            }
            Write("gentle", "zh-CN", "ai_ask", "温和地问：{{task}}");
            Write("gentle", "en", "ai_say", "GENTLE SAY: {{task}}");
            Write("default", "zh", "ai_say", "项目默认：{{task}}");
            var gentle = Script("zh-CN", "template_scheme: gentle");

            var (chinese, chat) = await StartAsync(gentle, null, dir.FullName);
            Assert.Equal(["builtin/zh-CN/ai_say", "gentle/zh-CN/ai_ask"], chinese.LlmCalls.Select(c => c.Template));
            Assert.Equal("温和地问：What is your name?", chat.Calls[1].Prompt);

            var (english, _) = await StartAsync(gentle, "en", dir.FullName);
            Assert.Equal(["gentle/en/ai_say", "builtin/en/ai_ask"], english.LlmCalls.Select(c => c.Template));

            // zh-TW has no template of its own: its prefix "zh" has the project's default before the script's language.
            var (taiwan, _) = await StartAsync(gentle, "zh-TW", dir.FullName);
            Assert.Equal(["default/zh/ai_say", "gentle/zh-CN/ai_ask"], taiwan.LlmCalls.Select(c => c.Template));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_engine_words_its_own_messages_and_errors_in_the_session_language()
    {
        var script = TestScripts.LoadValid(Script("zh-CN"));
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(script, null);
        var empty = await executor.ContinueAsync(script, start.State, " ");
        Assert.Equal(["不着急，慢慢来。准备好了再告诉我你的回答就好。"], empty.Messages.Select(m => m.Content));

        var broken = new ScriptExecutor(new ScriptedChatClient((_, _) => throw new HttpRequestException("connection refused")));
        var failed = await broken.StartAsync(script, null);
        Assert.Equal((EngineErrorCodes.LlmUnavailable, "无法连接语言模型；请稍后再次发送同样的内容。"), (failed.Error!.Code, failed.Error.Message));
        Assert.Equal("zh-CN", failed.State.Locale);
        var inEnglish = await broken.StartAsync(script, null, "en");
        Assert.Equal("The language model could not be reached; send the same input again in a moment.", inEnglish.Error!.Message);
    }

    [Fact]
    public async Task Prompts_are_worded_in_the_template_language_throughout()
    {
        var (_, chat) = await StartAsync(Script("zh-CN"), null);
        var ask = chat.Calls[1].Prompt;
        Assert.Contains("你是一位温暖、专业的心理咨询师，正在继续与来访者的对话。", ask);
        Assert.Contains("- \"name\": 用来访者自己的话", ask);
        Assert.Contains("咨询师：x", ask);
        Assert.DoesNotContain("Counsellor", ask);
        Assert.DoesNotContain("the client", ask);
    }

    [Fact]
    public async Task A_malformed_locale_is_refused_at_the_start()
    {
        var executor = new ScriptExecutor(new OfflineChatClient());
        await Assert.ThrowsAsync<ArgumentException>(() => executor.StartAsync(TestScripts.LoadValid(Script(null)), null, "zh_CN"));
    }

    [Fact]
    public async Task A_state_from_before_locales_speaks_the_script_language()
    {
        var script = TestScripts.LoadValid(Script("zh-CN"));
        var start = await new ScriptExecutor(new OfflineChatClient()).StartAsync(script, null);
        var old = JsonNode.Parse(start.State.ToJson())!.AsObject();
        old.Remove("locale");
        var next = await new ScriptExecutor(new OfflineChatClient()).ContinueAsync(script, EngineState.FromJson(old.ToJsonString()), " ");
        Assert.Null(next.State.Locale);
        Assert.Equal(["不着急，慢慢来。准备好了再告诉我你的回答就好。"], next.Messages.Select(m => m.Content));
    }
}

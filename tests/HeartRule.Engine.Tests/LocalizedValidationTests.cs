namespace HeartRule.Engine.Tests;

/// <summary>Validation findings are worded in the reader's language; what they point at is the same in every language.</summary>
public class LocalizedValidationTests
{
    private static readonly string Broken = Persistence.Tests.Fixtures.TestScripts.BrokenChinese("intake_broken");

    [Fact]
    public void A_broken_Chinese_script_is_explained_in_Chinese_at_the_same_places_as_in_English()
    {
        var chinese = ScriptLoader.Load(Broken, locale: "zh-CN");
        var english = ScriptLoader.Load(Broken, locale: "en");
        Assert.Equal(5, chinese.Errors.Count);
        Assert.Equal(english.Errors.Select(e => (e.Path, e.Line, e.Column, e.Kind)), chinese.Errors.Select(e => (e.Path, e.Line, e.Column, e.Kind)));

        var byPath = chinese.Errors.ToDictionary(e => e.Path);
        var missing = byPath["session.phases[0].topics[0].actions[0].action_id"];
        Assert.Equal(("缺少必填字段“action_id”", "缺失", "添加“action_id: ask_name”"), (missing.Message, missing.Actual, missing.Suggestion));
        var type = byPath["session.phases[0].topics[0].actions[1].action_type"];
        Assert.Equal(("未知的 action_type“ai_sya”", "你是不是想写“ai_say”？"), (type.Message, type.Suggestion));
        var rounds = byPath["session.phases[0].topics[0].actions[2].config.max_rounds"];
        Assert.Equal(("“max_rounds”必须在 1 到 10 之间", "1–10", "11"), (rounds.Message, rounds.Expected, rounds.Actual));
        Assert.Equal("“tonе”不是ai_ask 的 config的字段", byPath["session.phases[0].topics[0].actions[2].config.tonе"].Message);
        Assert.Equal("你是不是想写“tone”？", byPath["session.phases[0].topics[0].actions[2].config.tonе"].Suggestion);
        Assert.StartsWith("条件使用了“称呼”", byPath["session.phases[0].topics[0].actions[2].condition"].Message);

        Assert.Equal("'action_id' is required", english.Errors[0].Message);
        Assert.All(chinese.Errors, e => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", e.Message + e.Suggestion));
    }

    [Fact]
    public void A_locale_with_no_catalogue_reads_English()
    {
        var french = ScriptLoader.Load(Broken, locale: "fr");
        Assert.Equal("'action_id' is required", french.Errors[0].Message);
        Assert.Equal("缺少必填字段“action_id”", ScriptLoader.Load(Broken, locale: "zh-Hant-TW").Errors[0].Message);
    }

    [Fact]
    public void A_syntax_error_is_framed_in_Chinese_around_the_parser_detail()
    {
        var e = Assert.Single(ScriptLoader.Load("session:\n  session_id: demo\n\tphases: []\n", locale: "zh-CN").Errors);
        Assert.Equal((IssueKinds.Syntax, 2, 15), (e.Kind, e.Line, e.Column));
        Assert.StartsWith("YAML 语法错误：", e.Message);
        Assert.Equal("检查这一行及上一行的缩进、冒号和引号", e.Suggestion);
    }

    [Theory]
    [InlineData("zh_CN", "你是不是想写“zh-CN”？")]
    [InlineData("chinese!", "写成“en”、“zh-CN”或“en-GB”这样的标签")]
    public void A_language_that_is_not_a_BCP_47_tag_is_a_constraint_error(string language, string suggestion)
    {
        var yaml = Broken.Replace("language: zh-CN", $"language: {language}");
        var e = Assert.Single(ScriptLoader.Load(yaml, locale: "zh-CN").Errors, e => e.Path == "metadata.language");
        Assert.Equal((IssueKinds.Constraint, 3, 13, language, suggestion), (e.Kind, e.Line, e.Column, e.Actual, e.Suggestion));
        Assert.Equal($"“{language}”不是 BCP 47 语言标签", e.Message);
    }
}

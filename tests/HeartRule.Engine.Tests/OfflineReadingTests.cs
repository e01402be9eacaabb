using Microsoft.Extensions.AI;

namespace HeartRule.Engine.Tests;

/// <summary>How the offline provider reads answers in English and Chinese, so its replies fit what was said.</summary>
public class OfflineReadingTests
{
    private static string Read(string locale, string answer, AnswerKind kind) =>
        AnswerReading.For(locale).Read(answer, kind).ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }).Trim('"');

    [Theory]
    [InlineData("en", "client_name", "The name the client wants to be called, as they wrote it.", "Name")]
    [InlineData("en", "sleep_hours", "Hours of sleep on a typical night, as a number only.", "Number")]
    [InlineData("en", "stress_level", "Stress today from 0 to 10.", "Number")]
    [InlineData("en", "thought", "What the client thought in that moment.", "Thought")]
    [InlineData("en", "breathing_feedback", "How the client felt after the breath.", "Feeling")]
    [InlineData("en", "reason", "The main concern that brought the client here.", "Concern")]
    [InlineData("en", "situation", "What happened, briefly.", "Text")]
    [InlineData("zh-CN", "称呼", "来访者希望被怎样称呼。", "Name")]
    [InlineData("zh-CN", "睡眠时长", "每晚大约睡几小时，只写数字。", "Number")]
    [InlineData("zh-CN", "想法", "来访者在那一刻的想法。", "Thought")]
    [InlineData("zh-CN", "困扰", "让来访者前来的主要困扰。", "Concern")]
    [InlineData("zh-CN", "情境", "发生了什么，简要描述。", "Text")]
    public void What_an_output_asks_for_is_judged_from_its_name_and_definition(string locale, string output, string define, string kind) =>
        Assert.Equal(Enum.Parse<AnswerKind>(kind), AnswerReading.For(locale).KindOf(output, define));

    [Theory]
    [InlineData("en", "Alex", "Alex")]
    [InlineData("en", "my name is sam, nice to meet you", "Sam")]
    [InlineData("en", "I'm Jordan.", "Jordan")]
    [InlineData("en", "You can call me Zebulon-7741", "Zebulon-7741")]
    [InlineData("en", "Hi! It's Mei Ling", "Mei Ling")]
    [InlineData("zh-CN", "叫我小林就好", "小林")]
    [InlineData("zh-CN", "我叫王芳。", "王芳")]
    [InlineData("zh-CN", "你好，我的名字是李雷", "李雷")]
    [InlineData("zh-CN", "小明", "小明")]
    public void A_name_is_the_name_not_the_sentence(string locale, string answer, string name) =>
        Assert.Equal(name, Read(locale, answer, AnswerKind.Name));

    [Theory]
    [InlineData("en", "about 5 hours", "5")]
    [InlineData("en", "maybe six, sometimes less", "6")]
    [InlineData("en", "7.5", "7.5")]
    [InlineData("zh-CN", "五个半小时", "5.5")]
    [InlineData("zh-CN", "大概七分吧", "7")]
    [InlineData("zh-CN", "十二", "12")]
    [InlineData("zh-CN", "二十五", "25")]
    [InlineData("zh-CN", "8", "8")]
    [InlineData("en", "hard to say", "hard to say")]
    public void A_number_is_a_number(string locale, string answer, string value) =>
        Assert.Equal(value, Read(locale, answer, AnswerKind.Number));

    [Theory]
    [InlineData("en", "I have been sleeping badly since I changed jobs", "sleeping badly since you changed jobs")]
    [InlineData("en", "I can't sleep", "not being able to sleep")]
    [InlineData("en", "I feel anxious at work", "feeling anxious at work")]
    [InlineData("en", "I'm stressed about my exams.", "feeling stressed about your exams")]
    [InlineData("en", "Well, I worry about my kids", "worrying about your kids")]
    [InlineData("en", "I lost my job", "having lost your job")]
    [InlineData("en", "I have trouble sleeping", "having trouble sleeping")]
    [InlineData("en", "I'm here because I keep arguing with my partner", "arguing with your partner")]
    [InlineData("en", "Trouble sleeping", "trouble sleeping")]
    [InlineData("en", "My boss yells at me", "the fact that your boss yells at you")]
    [InlineData("zh-CN", "我最近总是睡不好，因为换了工作", "最近总是睡不好，因为换了工作")]
    [InlineData("zh-CN", "因为工作压力太大了", "工作压力太大了")]
    [InlineData("zh-CN", "其实就是老板总是批评我。", "老板总是批评你")]
    public void A_concern_is_worded_back_as_something_to_work_on(string locale, string answer, string concern) =>
        Assert.Equal(concern, Read(locale, answer, AnswerKind.Concern));

    [Theory]
    [InlineData("en", "I thought I was in trouble", "Thought", "you were in trouble")]
    [InlineData("en", "I feel calmer", "Feeling", "calmer")]
    [InlineData("en", "calmer, a bit lighter", "Feeling", "calmer, a bit lighter")]
    [InlineData("en", "My boss frowned at me", "Text", "your boss frowned at you")]
    [InlineData("zh-CN", "我心想自己肯定要挨批了", "Thought", "自己肯定要挨批了")]
    [InlineData("zh-CN", "感觉平静了一些", "Feeling", "平静了一些")]
    [InlineData("zh-CN", "老板冲我皱了皱眉", "Text", "老板冲你皱了皱眉")]
    public void Thoughts_feelings_and_events_are_said_back_to_the_client(string locale, string answer, string kind, string value) =>
        Assert.Equal(value, Read(locale, answer, Enum.Parse<AnswerKind>(kind)));

    [Theory]
    [InlineData("en", "I think so", "Agrees")]
    [InlineData("en", "Yes, that makes sense", "Agrees")]
    [InlineData("en", "Not really, I'm a bit confused", "Unsure")]
    [InlineData("en", "Why would that be?", "Question")]
    [InlineData("en", "My week was long", "Other")]
    [InlineData("zh-CN", "我觉得有道理", "Agrees")]
    [InlineData("zh-CN", "不太明白", "Unsure")]
    [InlineData("zh-CN", "为什么会这样？", "Question")]
    [InlineData("zh-CN", "这周很累", "Other")]
    public void A_reply_to_an_explanation_is_heard_for_what_it_is(string locale, string reply, string reaction) =>
        Assert.Equal(Enum.Parse<Reaction>(reaction), AnswerReading.For(locale).React(reply));

    [Fact]
    public void An_analysis_of_a_bare_number_says_nothing()
    {
        Assert.Equal("", AnswerReading.For("en").Think("7", AnswerKind.Text).GetValue<string>());
        Assert.Equal(7, AnswerReading.For("en").Think("7", AnswerKind.Number).GetValue<int>());
        Assert.Equal("you can't switch off after work", AnswerReading.For("en").Think("I can't switch off after work", AnswerKind.Text).GetValue<string>());
    }

    [Fact]
    public async Task An_unsure_reply_hears_the_explanation_again_in_the_session_language()
    {
        var script = TestScripts.LoadValid(TestScripts.ReadSample("sessions/understanding_thoughts_zh.yaml"));
        var executor = new ScriptExecutor(new OfflineChatClient());
        var r = await executor.StartAsync(script, null);
        r = await executor.ContinueAsync(script, r.State, "");
        r = await executor.ContinueAsync(script, r.State, "不太明白");
        Assert.Equal(["没关系，我们再来看一遍：同样一件事，我们对自己说的话不同，心里的感受就可能很不一样。你觉得这个说法有道理吗？"], r.Messages.Select(m => m.Content));
        Assert.Equal(("explain_model", 2), (r.Position.ActionId, r.Position.CurrentRound));
    }

    [Fact]
    public async Task Its_usage_counts_the_words_of_the_prompt_and_of_the_reply()
    {
        var response = await new OfflineChatClient().GetResponseAsync(
            [new ChatMessage(ChatRole.System, "  one two\tthree\n"), new ChatMessage(ChatRole.User, "four  five ")],
            new ChatOptions { AdditionalProperties = new() { [LlmHints.Purpose] = LlmHints.Purposes.AiSay, [LlmHints.Content] = "Hello there, friend." } });
        Assert.Equal(5, response.Usage!.InputTokenCount);
        Assert.Equal(response.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length, response.Usage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
    }
}

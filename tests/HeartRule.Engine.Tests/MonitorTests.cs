namespace HeartRule.Engine.Tests;

/// <summary>The engagement monitors: off unless the script asks, then a round that did not complete steers the next prompt.</summary>
public class MonitorTests
{
    private static Script Explain(bool monitor) => Yaml.Session("""
        - action_type: ai_say
          action_id: explain
          config:
            content: Thoughts are not facts; we can look at them together.
            max_rounds: 4
        """, monitor ? "monitor: true" : "");

    [Fact]
    public async Task A_reluctant_reply_is_judged_and_the_advice_goes_into_the_actions_next_prompt()
    {
        var script = Explain(monitor: true);
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(script, null);
        var reluctant = await executor.ContinueAsync(script, start.State, "I don't know");

        Assert.Equal([LlmHints.Purposes.AiSay, LlmHints.Purposes.Monitor], reluctant.LlmCalls.Select(c => c.Purpose));
        Assert.Contains("\"engagement\":\"resistance\"", reluctant.LlmCalls[1].Response);
        Assert.Equal("builtin/en/monitor", reluctant.LlmCalls[1].Template);

        var next = await executor.ContinueAsync(script, reluctant.State, "Maybe, I can try to see it that way today");
        var steered = next.LlmCalls.First(c => c.Purpose == LlmHints.Purposes.AiSay).Prompt;
        Assert.Contains("## Advice from the supervisor on the last round", steered);
        Assert.Contains("acknowledge that, lower the pressure", steered);
        // A usable reply needs no advice: the round after it is prompted without.
        Assert.Contains("\"engagement\":\"normal\"", next.LlmCalls.Single(c => c.Purpose == LlmHints.Purposes.Monitor).Response);
        var after = await executor.ContinueAsync(script, next.State, "ok");
        Assert.DoesNotContain("Advice from the supervisor", after.LlmCalls.First(c => c.Purpose == LlmHints.Purposes.AiSay).Prompt);
    }

    [Fact]
    public async Task Monitors_are_off_unless_the_script_turns_them_on()
    {
        var script = Explain(monitor: false);
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(script, null);
        var reply = await executor.ContinueAsync(script, start.State, "I don't know");
        Assert.Equal([LlmHints.Purposes.AiSay], reply.LlmCalls.Select(c => c.Purpose));
    }

    [Fact]
    public async Task The_chinese_monitor_reads_reluctance_in_chinese()
    {
        var script = TestScripts.LoadValid(Yaml.SessionText("""
            - action_type: ai_say
              action_id: explain
              config:
                content: 想法不等于事实，我们可以一起看看。
                max_rounds: 3
            """, "monitor: true", metadata: "language: zh-CN"));
        var executor = new ScriptExecutor(new OfflineChatClient());
        var start = await executor.StartAsync(script, null);
        var reluctant = await executor.ContinueAsync(script, start.State, "不知道，别问了");
        var next = await executor.ContinueAsync(script, reluctant.State, "好吧");
        Assert.Contains("## 督导对上一轮的建议", next.LlmCalls.First(c => c.Purpose == LlmHints.Purposes.AiSay).Prompt);
    }
}

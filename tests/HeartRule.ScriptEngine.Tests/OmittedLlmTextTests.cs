using HeartRule.Engine;

namespace HeartRule.ScriptEngine.Tests;

/// <summary>What leaves the engine for a turn that nobody debugs, and for one that somebody does.</summary>
public sealed class OmittedLlmTextTests
{
    private static async Task<TurnResult> FirstTurnAsync()
    {
        var script = ScriptLoader.Load(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "intake.yaml"))).Script!;
        var executor = new ScriptExecutor(new OfflineChatClient());
        return await executor.StartAsync(script, null, ct: CancellationToken.None);
    }

    [Fact]
    public async Task Prompts_and_replies_are_left_out_unless_asked_for_while_the_call_facts_stay()
    {
        var result = await FirstTurnAsync();
        Assert.NotEmpty(result.LlmCalls);

        var omitted = TurnRunner.ToContract(result, _ => Guid.NewGuid(), omitLlmText: true);
        var kept = TurnRunner.ToContract(result, _ => Guid.NewGuid(), omitLlmText: false);

        Assert.All(omitted.LlmCalls, c => Assert.Null(c.Prompt));
        Assert.All(omitted.LlmCalls, c => Assert.Null(c.Response));
        Assert.All(kept.LlmCalls, c => Assert.False(string.IsNullOrEmpty(c.Prompt)));
        Assert.All(kept.LlmCalls, c => Assert.False(string.IsNullOrEmpty(c.Response)));
        // Model, tokens, latency, purpose and template are what the turn cost and how; they are kept either way.
        Assert.Equal(kept.LlmCalls.Select(c => (c.Model, c.Purpose, c.PromptTokens, c.CompletionTokens, c.Template)),
            omitted.LlmCalls.Select(c => (c.Model, c.Purpose, c.PromptTokens, c.CompletionTokens, c.Template)));
        Assert.Equal(["builtin/en/ai_say", "builtin/en/ai_ask"], omitted.LlmCalls.Select(c => c.Template));
        // The session's locale, as the engine settled it (the intake says it is English), goes back to Sessions.
        Assert.Equal("en", omitted.Locale);
    }
}

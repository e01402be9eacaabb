using System.Diagnostics;
using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

/// <summary>The OpenAI-compatible provider against a real HTTP server started by the test.</summary>
public class OpenAiProviderTests
{
    private static readonly Script Intake = TestScripts.LoadValid(TestScripts.ReadSample("sessions/intake.yaml"));

    private static LlmOptions Options(FakeOpenAiServer server, double timeout = 10, int retries = 2) => new()
    {
        Provider = "openai", BaseUrl = server.BaseUrl, ApiKey = "sk-test", Model = "fake-model",
        TimeoutSeconds = timeout, MaxRetries = retries, RetryBaseDelaySeconds = 0.05,
    };

    [Fact]
    public async Task Runs_a_turn_against_an_openai_compatible_server()
    {
        await using var server = new FakeOpenAiServer()
            .Then(new FakeOpenAiServer.Reply("""{"EXIT": false, "content": "Hello and welcome."}"""))
            .Then(new FakeOpenAiServer.Reply("```json\n{\"EXIT\": false, \"content\": \"What should I call you?\"}\n```"));
        var executor = new ScriptExecutor(LlmClientFactory.Create(Options(server)));
        var r = await executor.StartAsync(Intake, null);

        Assert.Null(r.Error);
        Assert.Equal(["Hello and welcome.", "What should I call you?"], r.Messages.Select(m => m.Content));
        var requests = server.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal("/v1/chat/completions", requests[0].Path);
        Assert.Equal("Bearer sk-test", requests[0].Authorization);
        Assert.Equal("fake-model", requests[0].Body["model"]!.GetValue<string>());
        Assert.Contains("Welcome to HeartRule", requests[0].Body["messages"]![0]!["content"]!.ToJsonString());
        var call = r.LlmCalls[0];
        Assert.Equal(("fake-model", 42, 7, "stop"), (call.Model, call.PromptTokens, call.CompletionTokens, call.FinishReason));
    }

    [Fact]
    public async Task Streams_tokens_to_the_delta_callback()
    {
        await using var server = new FakeOpenAiServer()
            .Then(new FakeOpenAiServer.Reply("""{"EXIT": false, "content": "Hello and welcome, take your time."}"""))
            .Then(new FakeOpenAiServer.Reply("""{"EXIT": false, "content": "What should I call you?"}"""));
        var deltas = new List<MessageDelta>();
        var executor = new ScriptExecutor(LlmClientFactory.Create(Options(server)),
            new EngineOptions { OnDelta = d => { deltas.Add(d); return ValueTask.CompletedTask; } });
        var r = await executor.StartAsync(Intake, null);

        Assert.All(server.Requests, req => Assert.True(req.Body["stream"]!.GetValue<bool>()));
        var partial = deltas.Where(d => d.ActionId == "welcome" && !d.IsFinal).ToList();
        Assert.True(partial.Count >= 5, $"expected many small deltas, got {partial.Count}");
        Assert.Equal("Hello and welcome, take your time.", string.Concat(partial.Select(d => d.Text)));
        Assert.Equal(["Hello and welcome, take your time.", "What should I call you?"], r.Messages.Select(m => m.Content));
        Assert.Equal((42, "stop"), (r.LlmCalls[0].PromptTokens, r.LlmCalls[0].FinishReason));
    }

    [Fact]
    public async Task A_503_is_retried_and_the_turn_succeeds()
    {
        await using var server = new FakeOpenAiServer(_ => """{"content": "fine"}""")
            .Then(new FakeOpenAiServer.Fail(503));
        var executor = new ScriptExecutor(LlmClientFactory.Create(Options(server)));
        var r = await executor.StartAsync(Intake, null);
        Assert.Null(r.Error);
        Assert.Equal(["fine", "fine"], r.Messages.Select(m => m.Content));
        Assert.Equal(3, server.Requests.Count);   // 503, retry, second action
    }

    [Fact]
    public async Task A_503_before_the_stream_starts_is_retried_too()
    {
        await using var server = new FakeOpenAiServer(_ => """{"content": "streamed fine"}""")
            .Then(new FakeOpenAiServer.Fail(503));
        var executor = new ScriptExecutor(LlmClientFactory.Create(Options(server)), new EngineOptions { OnDelta = _ => ValueTask.CompletedTask });
        var r = await executor.StartAsync(Intake, null);
        Assert.Null(r.Error);
        Assert.Equal("streamed fine", r.Messages[0].Content);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Persistent_503_becomes_llm_unavailable_after_the_retries()
    {
        await using var server = new FakeOpenAiServer()
            .Then(new FakeOpenAiServer.Fail(503)).Then(new FakeOpenAiServer.Fail(503)).Then(new FakeOpenAiServer.Fail(503));
        var executor = new ScriptExecutor(LlmClientFactory.Create(Options(server, retries: 2)));
        var r = await executor.StartAsync(Intake, null);
        Assert.Equal((ExecutionStatus.Error, EngineErrorCodes.LlmUnavailable, true), (r.Status, r.Error!.Code, r.Error.Retryable));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        await using var server = new FakeOpenAiServer().Then(new FakeOpenAiServer.Fail(401));
        var executor = new ScriptExecutor(LlmClientFactory.Create(Options(server)));
        var r = await executor.StartAsync(Intake, null);
        Assert.Equal((ExecutionStatus.Error, EngineErrorCodes.LlmUnavailable, false), (r.Status, r.Error!.Code, r.Error.Retryable));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_slow_server_times_out_as_llm_timeout()
    {
        await using var server = new FakeOpenAiServer()
            .Then(new FakeOpenAiServer.Slow(TimeSpan.FromSeconds(20), """{"content": "too late"}"""));
        var executor = new ScriptExecutor(LlmClientFactory.Create(Options(server, timeout: 0.5, retries: 0)));
        var watch = Stopwatch.StartNew();
        var r = await executor.StartAsync(Intake, null);
        Assert.Equal((ExecutionStatus.Error, EngineErrorCodes.LlmTimeout, true), (r.Status, r.Error!.Code, r.Error.Retryable));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried()
    {
        await using var server = new FakeOpenAiServer(_ => """{"content": "second try"}""")
            .Then(new FakeOpenAiServer.Slow(TimeSpan.FromSeconds(20), """{"content": "too late"}"""));
        var executor = new ScriptExecutor(LlmClientFactory.Create(Options(server, timeout: 0.5, retries: 1)));
        var r = await executor.StartAsync(Intake, null);
        Assert.Null(r.Error);
        Assert.Equal("second try", r.Messages[0].Content);
    }

    [Fact]
    public void The_offline_provider_is_the_default_and_unknown_providers_are_refused()
    {
        Assert.IsType<OfflineChatClient>(LlmClientFactory.Create(new LlmOptions()));
        Assert.Throws<ArgumentException>(() => LlmClientFactory.Create(new LlmOptions { Provider = "magic" }));
    }
}

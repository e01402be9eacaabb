using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine.Tests;

/// <summary>A fake model whose replies the test decides, recording what it was asked.</summary>
internal sealed class ScriptedChatClient(Func<ChatOptions?, int, string> reply) : IChatClient
{
    public List<(string Prompt, ChatOptions? Options)> Calls { get; } = [];

    public ScriptedChatClient(params string[] replies) : this((_, i) => i < replies.Length ? replies[i] : throw new InvalidOperationException($"No scripted reply #{i}"))
    {
    }

    public string Purpose(int call) => (string)Calls[call].Options!.AdditionalProperties![LlmHints.Purpose]!;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prompt = string.Join("\n", messages.Select(m => m.Text));
        Calls.Add((prompt, options));
        var text = reply(options, Calls.Count - 1);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = "scripted", FinishReason = ChatFinishReason.Stop });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var chunk in response.Text.Chunk(5)) yield return new ChatResponseUpdate(ChatRole.Assistant, new string(chunk));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

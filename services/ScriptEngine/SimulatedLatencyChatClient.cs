using Microsoft.Extensions.AI;

namespace HeartRule.ScriptEngine;

/// <summary>
/// Gives the offline model the timing of a real one, for tests and benchmarks: a fixed delay before every reply (a
/// turn long enough to kill a process in the middle of it) and, when streaming, a pause between tokens (so that
/// replies are streamed in pieces, as a real model's are).
/// </summary>
public sealed class SimulatedLatencyChatClient(IChatClient inner, TimeSpan latency, TimeSpan tokenInterval) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await Task.Delay(latency, cancellationToken);
        return await base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(latency, cancellationToken);
        var first = true;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            if (!first && tokenInterval > TimeSpan.Zero) await Task.Delay(tokenInterval, cancellationToken);
            first = false;
            yield return update;
        }
    }
}

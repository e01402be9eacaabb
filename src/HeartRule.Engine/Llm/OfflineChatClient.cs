using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine;

/// <summary>
/// A deterministic stand-in for a model, used by default and in tests. It answers from the engine's
/// <see cref="LlmHints"/> and replies in the same JSON contract a real model is asked for:
/// <list type="bullet">
/// <item>ai_say: <c>content</c> is the action's content with variables filled in. In later rounds, after the client
/// replied, it is a short thanks (<see cref="Thanks"/>), the understanding level is 80, has_questions is true when
/// the reply contains a question mark, and EXIT is true when the action has an <c>exit</c>.</item>
/// <item>ai_ask: before an answer, <c>content</c> is the question; after one, every output is the client's answer
/// (trimmed) and EXIT is true, since every output is then filled. With several outputs the answer is split
/// into clauses (at . ! ? ; and then at " and "), one per output in order, the last taking the rest; when
/// there are fewer clauses than outputs, every output gets the whole answer.</item>
/// <item>ai_think: every output is the client's most recent message (empty when there is none).</item>
/// <item>extract: every requested variable is the client's last answer.</item>
/// </list>
/// </summary>
public sealed class OfflineChatClient : IChatClient
{
    public const string ModelId = "offline";
    public const string FollowUp = "Thank you. Could you tell me a little more about that?";
    public const string Thanks = "Thank you for sharing that.";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var prompt = string.Join("\n", messages.Select(m => m.Text));
        var text = Reply(options);
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = CountTokens(prompt), OutputTokenCount = CountTokens(text), TotalTokenCount = CountTokens(prompt) + CountTokens(text) },
        };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var text = response.Text;
        // Small word-sized chunks exercise the same incremental parsing a real stream needs.
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf(' ', start + 1);
            end = end < 0 ? text.Length : end;
            yield return new ChatResponseUpdate(ChatRole.Assistant, text[start..end]) { ModelId = ModelId };
            start = end;
        }
        yield return new ChatResponseUpdate
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Contents = [new UsageContent(response.Usage!)],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    internal static IReadOnlyList<string> SplitAnswer(string answer, int count)
    {
        if (count <= 1) return count == 1 ? [answer] : [];
        var parts = answer.Split(['.', '!', '?', ';', '。', '！', '？', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (parts.Count < count)
            parts = parts.SelectMany(p => p.Split(" and ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (parts.Count < count) return Enumerable.Repeat(answer, count).ToList();
        var result = parts.Take(count - 1).ToList();
        result.Add(string.Join(" ", parts.Skip(count - 1)));
        return result;
    }

    private static int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static string Reply(ChatOptions? options)
    {
        var hints = options?.AdditionalProperties;
        string? Hint(string key) => hints is not null && hints.TryGetValue(key, out var v) ? v?.ToString() : null;
        int HintInt(string key) => int.TryParse(Hint(key), out var n) ? n : 0;
        IReadOnlyList<string> Outputs() => hints is not null && hints.TryGetValue(LlmHints.Outputs, out var v) && v is IEnumerable<string> list
            ? list.ToList() : [];

        var purpose = Hint(LlmHints.Purpose);
        var content = Hint(LlmHints.Content) ?? "";
        var answer = (Hint(LlmHints.LastAnswer) ?? "").Trim();
        var round = HintInt(LlmHints.Round);
        var reply = new JsonObject();
        switch (purpose)
        {
            case LlmHints.Purposes.AiSay:
                {
                    var replied = round > 1 && answer.Length > 0;
                    reply["EXIT"] = replied && !string.IsNullOrEmpty(Hint(LlmHints.Exit));
                    reply["content"] = replied ? Thanks : content;
                    reply["assessment"] = new JsonObject
                    {
                        ["understanding_level"] = replied ? 80 : 0,
                        ["has_questions"] = answer.Contains('?') || answer.Contains('？'),
                    };
                    break;
                }
            case LlmHints.Purposes.AiAsk:
                {
                    if (answer.Length == 0)
                    {
                        reply["EXIT"] = false;
                        reply["content"] = content;
                        break;
                    }
                    var outputs = Outputs();
                    var parts = SplitAnswer(answer, outputs.Count);
                    for (var i = 0; i < outputs.Count; i++) reply[outputs[i]] = parts[i];
                    reply["EXIT"] = true;
                    reply["content"] = FollowUp;
                    break;
                }
            case LlmHints.Purposes.AiThink:
                {
                    var last = (Hint(LlmHints.LastAnswer) ?? "").Trim();
                    foreach (var o in Outputs()) reply[o] = last;
                    reply["content"] = "";
                    break;
                }
            case LlmHints.Purposes.Extract:
                foreach (var o in Outputs()) reply[o] = answer;
                break;
            default:
                reply["content"] = content;
                break;
        }
        return reply.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}

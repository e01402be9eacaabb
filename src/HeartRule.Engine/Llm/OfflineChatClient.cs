using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using HeartRule.Localization;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine;

/// <summary>
/// A deterministic stand-in for a model, used by default and in tests. It answers from the engine's
/// <see cref="LlmHints"/>, in the language of the prompt's template (<see cref="LlmHints.Locale"/>; English and Chinese
/// are read, other languages are read as English), and replies in the same JSON contract a real model is asked for.
/// It reads answers the way a model would (<see cref="AnswerReading"/>): what each output asks for (a name, a number, a
/// thought, a feeling, a concern, other text) is judged from its name and <c>define</c>, and the value is what the
/// answer says of it — "Sam" from "My name is Sam", 5 from "about five hours", "sleeping badly" from "I have been
/// sleeping badly" — worded back to the client ("I", "my" become "you", "your").
/// <list type="bullet">
/// <item>ai_say: <c>content</c> is the action's content with variables filled in. In later rounds, after the client
/// replied, a short reaction that fits the reply (a question, agreement, doubt — then the content said again — or
/// thanks); understanding is 80 (30 when unsure, 60 for a question), has_questions is true when the reply asks, and EXIT
/// is true when the action has an <c>exit</c>.</item>
/// <item>ai_ask: before an answer, <c>content</c> is the question; after one, every output is read from the answer and
/// EXIT is true, since every output is then filled. With several outputs the answer is split into sentences, then
/// clauses (" and ", a Chinese comma), one per output in order, the last taking the rest; when there are fewer parts
/// than outputs, every output reads the whole answer.</item>
/// <item>ai_think: every output is read from the client's most recent message; one that is only a number says
/// nothing about anything but a number, so such an output is empty.</item>
/// <item>extract: every requested variable is read from the client's last answer.</item>
/// <item>monitor: resistance for a refusal or "I don't know", insufficient for a reply of a word or two, else normal;
/// the advice is the catalogue's for that judgement.</item>
/// <item>crisis_check: the second opinion, from <see cref="CrisisScreen.SecondOpinion"/> (denials and idioms count for
/// nothing; a farewell with hopelessness is high).</item>
/// </list>
/// </summary>
public sealed class OfflineChatClient : IChatClient
{
    public const string ModelId = "offline";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var text = Reply(options);
        // The prompt's words are its messages' words: counted message by message, the prompt is never joined.
        var (input, output) = (messages.Sum(m => CountTokens(m.Text)), CountTokens(text));
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
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

    // Counted in place: splitting allocated every word of every prompt, 5 % of ScriptEngine's CPU under load.
    private static int CountTokens(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var space = char.IsWhiteSpace(c);
            if (!space && !inWord) count++;
            inWord = !space;
        }
        return count;
    }

    private static string Reply(ChatOptions? options)
    {
        var hints = options?.AdditionalProperties;
        string? Hint(string key) => hints is not null && hints.TryGetValue(key, out var v) ? v?.ToString() : null;
        int HintInt(string key) => int.TryParse(Hint(key), out var n) ? n : 0;
        IReadOnlyList<string> List(string key) => hints is not null && hints.TryGetValue(key, out var v) && v is IEnumerable<string> list ? list.ToList() : [];

        var purpose = Hint(LlmHints.Purpose);
        var locale = Hint(LlmHints.Locale);
        var reading = AnswerReading.For(locale);
        var content = Hint(LlmHints.Content) ?? "";
        var answer = (Hint(LlmHints.LastAnswer) ?? "").Trim();
        var outputs = List(LlmHints.Outputs);
        var definitions = List(LlmHints.OutputDefinitions);
        AnswerKind KindOf(int i) => reading.KindOf(outputs[i], i < definitions.Count ? definitions[i] : "");
        var reply = new JsonObject();
        switch (purpose)
        {
            case LlmHints.Purposes.AiSay:
                {
                    var replied = HintInt(LlmHints.Round) > 1 && answer.Length > 0;
                    var reaction = replied ? reading.React(answer) : Reaction.Other;
                    reply["EXIT"] = replied && !string.IsNullOrEmpty(Hint(LlmHints.Exit));
                    reply["content"] = !replied ? content : reaction switch
                    {
                        Reaction.Question => Catalogue.Get(locale, "offline.reply.question"),
                        Reaction.Agrees => Catalogue.Get(locale, "offline.reply.agrees"),
                        Reaction.Unsure => Catalogue.Get(locale, "offline.reply.unsure", ("content", content)),
                        _ => Catalogue.Get(locale, "offline.reply.thanks"),
                    };
                    reply["assessment"] = new JsonObject
                    {
                        ["understanding_level"] = !replied ? 0 : reaction switch { Reaction.Unsure => 30, Reaction.Question => 60, _ => 80 },
                        ["has_questions"] = reaction == Reaction.Question,
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
                    var parts = reading.Split(answer, outputs.Count);
                    for (var i = 0; i < outputs.Count; i++) reply[outputs[i]] = reading.Read(parts[i], KindOf(i));
                    reply["EXIT"] = true;
                    reply["content"] = Catalogue.Get(locale, "engine.followUp");
                    break;
                }
            case LlmHints.Purposes.AiThink:
                for (var i = 0; i < outputs.Count; i++) reply[outputs[i]] = reading.Think(answer, KindOf(i));
                reply["content"] = "";
                break;
            case LlmHints.Purposes.Monitor:
                {
                    var engagement = reading.Engagement(answer);
                    reply["engagement"] = engagement;
                    reply["advice"] = engagement switch
                    {
                        "resistance" => Catalogue.Get(locale, "offline.monitor.resistance"),
                        "insufficient" => Catalogue.Get(locale, "offline.monitor.insufficient"),
                        _ => "",
                    };
                    break;
                }
            case LlmHints.Purposes.CrisisCheck:
                reply["risk_level"] = CrisisScreen.Default.SecondOpinion(answer).ToWire();
                reply["reason"] = "offline reading of the lexicons";
                break;
            case LlmHints.Purposes.Extract:
                for (var i = 0; i < outputs.Count; i++) reply[outputs[i]] = reading.Read(answer, KindOf(i));
                break;
            default:
                reply["content"] = content;
                break;
        }
        return reply.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}

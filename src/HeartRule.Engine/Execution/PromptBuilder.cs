using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine;

/// <summary>Fills a prompt template with system variables (time, names, history, rounds…) and then script variables.</summary>
internal static class PromptBuilder
{
    public const string DefaultTone = "warm, professional, calm";
    public const string DefaultAskExit = "the client has given enough information for every field";

    public static string Build(TurnContext ctx, string template, ActionRuntime runtime, string task, string? tone, string? exit,
        IReadOnlyList<OutputField> outputs, IReadOnlyDictionary<string, string>? extra = null)
    {
        var topic = ctx.TopicOf(ctx.Frame);
        var system = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["time"] = ctx.Now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["who"] = Text(ctx, "counsellor_name") ?? "a warm, professional counsellor",
            ["user"] = Text(ctx, "user_name") ?? "the client",
            ["chat_history"] = ctx.ChatHistory(),
            ["chat"] = ctx.ChatHistory(),
            ["tone"] = tone ?? DefaultTone,
            ["task"] = task,
            ["topic_content"] = task,
            ["topic_goal"] = topic?.Goal ?? "(none)",
            ["exit"] = exit ?? DefaultAskExit,
            ["output_list"] = outputs.Count == 0 ? "(nothing to collect)"
                : string.Join("\n", outputs.Select(o => $"- \"{o.Get}\": {o.Define ?? "in the client's words"}")),
            ["current_round"] = runtime.Round.ToString(CultureInfo.InvariantCulture),
            ["max_rounds"] = runtime.MaxRounds.ToString(CultureInfo.InvariantCulture),
            ["last_answer"] = ctx.LastClientMessage(),
            ["understanding_threshold"] = "80",
            ["ask_instruction"] = runtime.Round == 1 && runtime.Filled.Count == 0 && !AnsweredThisAction(ctx, runtime)
                ? "- The client has not answered this question yet: ask it now, in \"content\", with \"EXIT\": false."
                : "- The client has just answered (the last \"Client:\" line above).",
            ["exit_instruction"] = exit is null ? "" : $"You may end this explanation early (\"EXIT\": true) when: {exit}",
        };
        if (extra is not null)
        {
            foreach (var (k, v) in extra) system[k] = v;
        }
        return Placeholders.Substitute(template, name =>
            system.TryGetValue(name, out var s) ? (true, JsonValue.Create(s)) :
            ctx.Variables.TryGet(name, out var value) ? (true, value) : (false, null));
    }

    private static bool AnsweredThisAction(TurnContext ctx, ActionRuntime runtime) =>
        ctx.State.History.Any(h => h.Role == "user" && h.ActionId == runtime.ActionId && h.Content.Length > 0);

    private static string? Text(TurnContext ctx, string name) =>
        ctx.Variables.TryGet(name, out var v) && v is not null ? Placeholders.Stringify(v) : null;

    public static AdditionalPropertiesDictionary Hints(TurnContext ctx, string purpose, ActionRuntime runtime, string content,
        IEnumerable<string> outputs, string? exit, string lastAnswer) => new()
        {
            [LlmHints.Purpose] = purpose,
            [LlmHints.Content] = content,
            [LlmHints.Outputs] = outputs.ToArray(),
            [LlmHints.LastAnswer] = lastAnswer,
            [LlmHints.Round] = runtime.Round,
            [LlmHints.MaxRounds] = runtime.MaxRounds,
            [LlmHints.Exit] = exit,
        };
}

using System.Globalization;
using System.Text.Json.Nodes;
using HeartRule.Localization;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine;

/// <summary>
/// Fills a prompt template with system variables (time, names, history, rounds…) and then script variables. The
/// words the engine adds are in the template's language, so a prompt never mixes two.
/// </summary>
internal static class PromptBuilder
{
    public static string Build(TurnContext ctx, PromptTemplate template, ActionRuntime runtime, string task, string? tone, string? exit,
        IReadOnlyList<OutputField> outputs, IReadOnlyDictionary<string, string>? extra = null)
    {
        var locale = template.Locale;
        string T(string key, params ReadOnlySpan<(string, object?)> args) => Catalogue.Get(locale, key, args);
        var topic = ctx.TopicOf(ctx.Frame);
        var history = ctx.ChatHistory(locale);
        var system = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["time"] = ctx.Now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["who"] = Text(ctx, "counsellor_name") ?? T("prompt.who"),
            ["user"] = Text(ctx, "user_name") ?? T("prompt.user"),
            ["language"] = LanguageName(ctx.Locale),
            ["chat_history"] = history,
            ["chat"] = history,
            ["tone"] = tone ?? T("prompt.defaultTone"),
            ["task"] = task,
            ["topic_content"] = task,
            ["topic_goal"] = topic?.Goal ?? T("prompt.none"),
            ["exit"] = exit ?? T("prompt.defaultAskExit"),
            ["output_list"] = outputs.Count == 0 ? T("prompt.nothingToCollect")
                : string.Join("\n", outputs.Select(o => $"- \"{o.Get}\": {o.Define ?? T("prompt.inClientsWords")}")),
            ["current_round"] = runtime.Round.ToString(CultureInfo.InvariantCulture),
            ["max_rounds"] = runtime.MaxRounds.ToString(CultureInfo.InvariantCulture),
            ["last_answer"] = ctx.LastClientMessage(),
            ["understanding_threshold"] = "80",
            ["ask_instruction"] = runtime.Round == 1 && runtime.Filled.Count == 0 && !AnsweredThisAction(ctx, runtime)
                ? T("prompt.askNow") : T("prompt.justAnswered"),
            ["exit_instruction"] = exit is null ? "" : T("prompt.exitInstruction", ("exit", exit)),
        };
        if (extra is not null)
        {
            foreach (var (k, v) in extra) system[k] = v;
        }
        var prompt = Placeholders.Substitute(template.Text, name =>
            system.TryGetValue(name, out var s) ? (true, JsonValue.Create(s)) :
            ctx.Variables.TryGet(name, out var value) ? (true, value) : (false, null));
        // Appended rather than a placeholder, so a scheme's own templates get it too.
        return runtime.MonitorAdvice is { } advice ? prompt + "\n\n" + T("prompt.monitorAdvice", ("advice", advice)) : prompt;
    }

    /// <summary>The session's language as its own catalogue names it (en-GB: "English"), else its tag.</summary>
    private static string LanguageName(string locale) =>
        HeartRule.Localization.Locale.Chain(locale).FirstOrDefault(Catalogue.Has) is { } known ? Catalogue.Get(known, "language.name") : locale;

    private static bool AnsweredThisAction(TurnContext ctx, ActionRuntime runtime) =>
        ctx.State.History.Any(h => h.Role == "user" && h.ActionId == runtime.ActionId && h.Content.Length > 0);

    private static string? Text(TurnContext ctx, string name) =>
        ctx.Variables.TryGet(name, out var v) && v is not null ? Placeholders.Stringify(v) : null;

    public static AdditionalPropertiesDictionary Hints(PromptTemplate template, string purpose, ActionRuntime runtime, string content,
        IEnumerable<OutputField> outputs, string? exit, string lastAnswer) => new()
        {
            [LlmHints.Purpose] = purpose,
            [LlmHints.Locale] = template.Locale,
            [LlmHints.Content] = content,
            [LlmHints.Outputs] = outputs.Select(o => o.Get).ToArray(),
            [LlmHints.OutputDefinitions] = outputs.Select(o => o.Define ?? "").ToArray(),
            [LlmHints.LastAnswer] = lastAnswer,
            [LlmHints.Round] = runtime.Round,
            [LlmHints.MaxRounds] = runtime.MaxRounds,
            [LlmHints.Exit] = exit,
        };
}

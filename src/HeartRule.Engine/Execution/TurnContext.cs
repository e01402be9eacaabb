using HeartRule.Localization;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine;

/// <summary>The mutable working set of one turn: a private copy of the state plus what the turn has produced.</summary>
internal sealed class TurnContext
{
    public TurnContext(Script script, StateData state, IChatClient chat, EngineOptions options)
    {
        Script = script;
        State = state;
        Options = options;
        Templates = new TemplateSource(options.EffectiveTemplates);
        Llm = new LlmInvoker(chat, options, LlmCalls);
        Variables = new VariableScopes(this);
        Locale = state.Locale ?? script.Language ?? HeartRule.Localization.Locale.English;
        Locales = HeartRule.Localization.Locale.Fallbacks(Locale, script.Language);
        SpeechLocale = Locales.First(Catalogue.Has);
        Safety = new SafetyNet(this);
        Llm.OnCrisisSignal = Safety.OnModelSignalAsync;
    }

    public SafetyNet Safety { get; }

    public Script Script { get; }
    public StateData State { get; }
    public EngineOptions Options { get; }
    private TemplateSource Templates { get; }
    public LlmInvoker Llm { get; }
    public VariableScopes Variables { get; }
    public List<EngineMessage> Messages { get; } = [];
    public List<VariableChange> Changes { get; } = [];
    public List<LlmCallRecord> LlmCalls { get; } = [];

    public FrameData Frame => State.Frames[^1];

    /// <summary>The session's locale: chosen at its start, else the script's language, else English.</summary>
    public string Locale { get; }

    /// <summary>Where templates and texts are looked for, best first (<see cref="HeartRule.Localization.Locale.Fallbacks"/>).</summary>
    public IReadOnlyList<string> Locales { get; }

    /// <summary>The language of the engine's own words to the client (a catalogue's locale).</summary>
    public string SpeechLocale { get; }

    /// <summary>The template for the current action: its script's scheme (a skill's own, else the session's), in the best locale there is.</summary>
    public PromptTemplate Template(string name) =>
        Templates.Get(ScriptOf(Frame).TemplateScheme ?? Script.TemplateScheme, Locales, name);

    /// <summary>The engine's own words to the client, in <see cref="SpeechLocale"/>.</summary>
    public string EngineText(string key, params ReadOnlySpan<(string, object?)> args) => Catalogue.Get(SpeechLocale, key, args);

    public Script ScriptOf(FrameData frame)
    {
        if (frame.SkillId is null) return Script;
        return Options.Skills?.Resolve(frame.SkillId)
            ?? throw new EngineException(EngineErrorCodes.SkillNotFound, LocalText.Of("engine.error.skillMissing", ("skill", frame.SkillId)), false);
    }

    public PhaseDefinition? PhaseOf(FrameData frame)
    {
        var s = ScriptOf(frame);
        return frame.PhaseIndex < s.Phases.Count ? s.Phases[frame.PhaseIndex] : null;
    }

    public TopicDefinition? TopicOf(FrameData frame) =>
        PhaseOf(frame) is { } p && frame.TopicIndex < p.Topics.Count ? p.Topics[frame.TopicIndex] : null;

    /// <summary>Says an action's message, unless the reply check holds it back: then what was streamed of it is taken back and the safe fallback said.</summary>
    public async ValueTask SayAsync(ActionDefinition action, ActionRuntime runtime, string content, System.Text.Json.Nodes.JsonObject? modelReply = null)
    {
        if (Safety.CheckReply(action.Id, content, modelReply) is { } fallback)
        {
            await RetractAsync(action, runtime).ConfigureAwait(false);
            content = fallback;
        }
        Messages.Add(new EngineMessage("assistant", content, action.Id, action.Type, runtime.Round));
        State.Remember(new ConversationEntry("assistant", content, action.Id, State.Turn));
        if (Options.OnDelta is { } onDelta)
            await onDelta(new MessageDelta(action.Id, action.Type, runtime.Round, content, IsFinal: true)).ConfigureAwait(false);
    }

    /// <summary>A message of the engine's own (the crisis protocol), not of an action.</summary>
    public async ValueTask SayAsEngineAsync(string kind, string content)
    {
        Messages.Add(new EngineMessage("assistant", content, kind, kind, 0));
        State.Remember(new ConversationEntry("assistant", content, kind, State.Turn));
        if (Options.OnDelta is { } onDelta)
            await onDelta(new MessageDelta(kind, kind, 0, content, IsFinal: true)).ConfigureAwait(false);
    }

    /// <summary>Takes back everything streamed in this turn: the turn is being replaced by the crisis response.</summary>
    public async ValueTask RetractTurnAsync()
    {
        if (Options.OnDelta is { } onDelta)
            await onDelta(new MessageDelta("", "", 0, "", IsFinal: true, Discarded: true) { RetractsTurn = true }).ConfigureAwait(false);
    }

    public async ValueTask RetractAsync(ActionDefinition action, ActionRuntime runtime)
    {
        if (Options.OnDelta is { } onDelta)
            await onDelta(new MessageDelta(action.Id, action.Type, runtime.Round, "", IsFinal: true, Discarded: true)).ConfigureAwait(false);
    }

    /// <summary>The client's most recent message, if any.</summary>
    public string LastClientMessage() =>
        State.History.LastOrDefault(h => h.Role == "user" && h.Content.Length > 0)?.Content ?? "";

    /// <summary>The last messages as prompt lines, labelled in the prompt's language.</summary>
    public string ChatHistory(string locale)
    {
        var window = State.History.Where(h => h.Content.Length > 0).TakeLast(Options.HistoryWindow).ToList();
        if (window.Count == 0) return Catalogue.Get(locale, "prompt.noMessages");
        return string.Join("\n", window.Select(h => Catalogue.Get(locale, h.Role switch
        {
            "user" => "prompt.clientLine",
            // A human counsellor who held the conversation: the model reads their words as theirs, not its own.
            "counsellor" => "prompt.humanCounsellorLine",
            _ => "prompt.counsellorLine",
        }, ("text", h.Content))));
    }

    public string Substitute(string text) => Placeholders.Substitute(text, name =>
        Variables.TryGet(name, out var value) ? (true, value) : (false, null));

    public DateTimeOffset Now => Options.TimeProvider.GetUtcNow();
}

/// <summary>A failure with a typed code; its text is rendered in the session's language when the turn reports it.</summary>
internal sealed class EngineException(string code, LocalText text, bool retryable, Exception? inner = null)
    : Exception(text.In(HeartRule.Localization.Locale.English), inner)
{
    public string Code { get; } = code;
    public LocalText Text { get; } = text;
    public bool Retryable { get; } = retryable;
}

using System.Text.Json.Nodes;
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
    }

    public Script Script { get; }
    public StateData State { get; }
    public EngineOptions Options { get; }
    public TemplateSource Templates { get; }
    public LlmInvoker Llm { get; }
    public VariableScopes Variables { get; }
    public List<EngineMessage> Messages { get; } = [];
    public List<VariableChange> Changes { get; } = [];
    public List<LlmCallRecord> LlmCalls { get; } = [];

    public FrameData Frame => State.Frames[^1];

    public Script ScriptOf(FrameData frame)
    {
        if (frame.SkillId is null) return Script;
        return Options.Skills?.Resolve(frame.SkillId)
            ?? throw new EngineException(EngineErrorCodes.SkillNotFound, $"Skill '{frame.SkillId}' cannot be found", false);
    }

    public PhaseDefinition? PhaseOf(FrameData frame)
    {
        var s = ScriptOf(frame);
        return frame.PhaseIndex < s.Phases.Count ? s.Phases[frame.PhaseIndex] : null;
    }

    public TopicDefinition? TopicOf(FrameData frame) =>
        PhaseOf(frame) is { } p && frame.TopicIndex < p.Topics.Count ? p.Topics[frame.TopicIndex] : null;

    public async ValueTask SayAsync(ActionDefinition action, ActionRuntime runtime, string content)
    {
        Messages.Add(new EngineMessage("assistant", content, action.Id, action.Type, runtime.Round));
        State.History.Add(new ConversationEntry("assistant", content, action.Id, State.Turn));
        if (Options.OnDelta is { } onDelta)
            await onDelta(new MessageDelta(action.Id, action.Type, runtime.Round, content, IsFinal: true)).ConfigureAwait(false);
    }

    public async ValueTask RetractAsync(ActionDefinition action, ActionRuntime runtime)
    {
        if (Options.OnDelta is { } onDelta)
            await onDelta(new MessageDelta(action.Id, action.Type, runtime.Round, "", IsFinal: true, Discarded: true)).ConfigureAwait(false);
    }

    /// <summary>The client's most recent message, if any.</summary>
    public string LastClientMessage() =>
        State.History.LastOrDefault(h => h.Role == "user" && h.Content.Length > 0)?.Content ?? "";

    public string ChatHistory()
    {
        var window = State.History.Where(h => h.Content.Length > 0).TakeLast(Options.HistoryWindow).ToList();
        if (window.Count == 0) return "(no messages yet)";
        return string.Join("\n", window.Select(h => (h.Role == "user" ? "Client: " : "Counsellor: ") + h.Content));
    }

    public string Substitute(string text) => Placeholders.Substitute(text, name =>
        Variables.TryGet(name, out var value) ? (true, value) : (false, null));

    public DateTimeOffset Now => Options.TimeProvider.GetUtcNow();
}

internal sealed class EngineException(string code, string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
    public bool Retryable { get; } = retryable;
}

using System.ClientModel;
using System.Text.Json.Nodes;
using HeartRule.Localization;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine;

/// <summary>
/// Runs a script one turn at a time: (script, state, input) → (messages, new state, changes, position, status).
/// The executor keeps nothing between calls; the state carries everything. A failed turn returns the
/// state it was given, so the same input can simply be sent again.
/// </summary>
public sealed class ScriptExecutor
{
    private static readonly IReadOnlyDictionary<string, IActionRunner> Runners = new Dictionary<string, IActionRunner>
    {
        [ActionTypes.AiSay] = new AiSayRunner(),
        [ActionTypes.AiAsk] = new AiAskRunner(),
        [ActionTypes.AiThink] = new AiThinkRunner(),
    };

    private readonly IChatClient _chat;
    private readonly EngineOptions _options;

    public ScriptExecutor(IChatClient chat, EngineOptions? options = null)
    {
        _chat = chat ?? throw new ArgumentNullException(nameof(chat));
        _options = options ?? new EngineOptions();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.HistoryWindow, StateData.HistoryKept, "options.HistoryWindow");
    }

    /// <summary>
    /// Starts a session; initial variables go to the global scope and are visible at once. The session speaks
    /// <paramref name="locale"/> (a BCP 47 tag), else the script's <c>metadata.language</c>, else English.
    /// </summary>
    public Task<TurnResult> StartAsync(Script script, IReadOnlyDictionary<string, JsonNode?>? initialVariables, string? locale = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        string? tag = null;
        if (locale is not null && !Locale.TryNormalize(locale, out tag))
            throw new ArgumentException($"'{locale}' is not a BCP 47 language tag", nameof(locale));
        var data = new StateData { ScriptId = script.Id, Locale = tag ?? script.Language ?? Locale.English, Frames = [new FrameData()] };
        var state = new EngineState(data);
        return RunTurnAsync(script, state, null, ct, initialVariables);
    }

    /// <summary>Continues with the client's input; an empty input means "next".</summary>
    public Task<TurnResult> ContinueAsync(Script script, EngineState state, string userInput, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(state);
        return RunTurnAsync(script, state, userInput ?? "", ct, null);
    }

    private async Task<TurnResult> RunTurnAsync(Script script, EngineState original, string? input, CancellationToken ct,
        IReadOnlyDictionary<string, JsonNode?>? initialVariables)
    {
        var working = original.Clone();
        var ctx = new TurnContext(script, working.Data, _chat, _options);
        ExecutionPosition position = PositionOf(ctx, null, null);
        try
        {
            if (working.Data.ScriptId != script.Id)
                throw new EngineException(EngineErrorCodes.StateMismatch,
                    LocalText.Of("engine.error.otherScript", ("stateScript", working.Data.ScriptId), ("script", script.Id)), false);
            if (working.Data.Status == ExecutionStatus.Completed && working.Data.Started)
                return new TurnResult([], original, [], PositionOf(ctx, null, null), ExecutionStatus.Completed, [], null);
            working.Data.Turn++;
            if (!working.Data.Started)
            {
                working.Data.Started = true;
                if (initialVariables is not null)
                {
                    foreach (var (name, value) in initialVariables) ctx.Variables.WriteScope("global", name, value, null);
                }
                ctx.Variables.ApplyDeclarations("session", script.Declarations);
                input = null;
            }
            else if (!string.IsNullOrEmpty(input))
            {
                working.Data.Remember(new ConversationEntry("user", input, ctx.Frame.Current?.ActionId, working.Data.Turn));
                // Every input is screened before the script sees it; a clear crisis needs no model to act on.
                var screen = ctx.Safety.Screen(input);
                if (working.Data.Crisis is not null) return await SuspendedTurnAsync(ctx, working);
                if (screen.Level.Acts() || (screen.Unsure && (await ctx.Safety.SecondOpinionAsync(ct)).Acts()))
                    return await CrisisTurnAsync(ctx, working);
            }
            try
            {
                position = await RunAsync(ctx, input, ct);
            }
            catch (CrisisDetectedException)
            {
                // The model's alarm, confirmed mid-turn: nothing of this turn stands but the client's words and the
                // calls made; the script stays where it was, waiting to resume.
                await ctx.RetractTurnAsync();
                var fresh = original.Clone();
                fresh.Data.Turn++;
                fresh.Data.Remember(working.Data.History[^1]);
                var crisisCtx = new TurnContext(script, fresh.Data, _chat, _options);
                crisisCtx.LlmCalls.AddRange(ctx.LlmCalls);
                return await CrisisTurnAsync(crisisCtx, fresh, ctx.Safety);
            }
            return new TurnResult(ctx.Messages, working, ctx.Changes, position, working.Data.Status, ctx.LlmCalls, null)
            {
                // A screening that found nothing is not carried on: it would ride on every turn through the broker and into the database.
                Safety = ctx.Safety.HasReport && ctx.Safety.Report(acted: false, suspended: false) is { IsQuiet: false } report ? report : null,
            };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            if (!original.Data.Started && initialVariables is not null)
            {
                // Keep the initial variables so a retried start (ContinueAsync on this state) still sees them.
                foreach (var (name, value) in initialVariables) original.Data.Variables.Global[name] = value?.DeepClone();
            }
            var error = Classify(ex, ctx.SpeechLocale) with { ActionId = ctx.Frame.Current?.ActionId, Cause = ex };
            return new TurnResult([], original, [], position, ExecutionStatus.Error, ctx.LlmCalls, error);
        }
    }

    /// <summary>
    /// The client's view of a failure: a code, whether to retry, and words that leak nothing (an exception's own
    /// message may carry a provider's URL, a key's prefix or a stack detail). The exception itself travels in
    /// <see cref="EngineError.Cause"/> for the service to log.
    /// </summary>
    private static EngineError Classify(Exception ex, string locale) => ex switch
    {
        EngineException e => new EngineError(e.Code, e.Text.In(locale), e.Retryable),
        LlmTimeoutException or TimeoutException or OperationCanceledException =>
            new EngineError(EngineErrorCodes.LlmTimeout, Catalogue.Get(locale, "engine.error.llmTimeout"), true),
        ClientResultException { Status: >= 400 and < 500 and not 408 and not 429 } c =>
            new EngineError(EngineErrorCodes.LlmUnavailable, Catalogue.Get(locale, "engine.error.llmRefused", ("status", c.Status)), false),
        HttpRequestException or ClientResultException =>
            new EngineError(EngineErrorCodes.LlmUnavailable, Catalogue.Get(locale, "engine.error.llmUnreachable"), true),
        _ => new EngineError(EngineErrorCodes.ActionExecutionError, Catalogue.Get(locale, "engine.error.unexpected"), true),
    };

    /// <summary>A counsellor takes the conversation over: the script waits at its position until <see cref="HandBack"/>.</summary>
    public static EngineState TakeOver(EngineState state, string counsellorId)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(counsellorId);
        var held = state.Clone();
        held.Data.HeldBy = counsellorId;
        return held;
    }

    /// <summary>
    /// What is said while a counsellor holds the conversation (<paramref name="role"/> <c>user</c> or <c>counsellor</c>)
    /// joins the history, so that the model has it in its context once the script goes on.
    /// </summary>
    public static EngineState Record(EngineState state, string role, string text)
    {
        ArgumentNullException.ThrowIfNull(state);
        var recorded = state.Clone();
        if (!string.IsNullOrEmpty(text))
            recorded.Data.Remember(new ConversationEntry(role, text, recorded.Data.Frames[^1].Current?.ActionId, recorded.Data.Turn));
        return recorded;
    }

    /// <summary>The counsellor hands the conversation back: the script goes on from where it waited, crisis suspension lifted.</summary>
    public static EngineState HandBack(EngineState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var back = state.Clone();
        back.Data.Crisis = null;
        back.Data.HeldBy = null;
        return back;
    }

    /// <summary>High risk: the crisis response instead of the script, which stays suspended where it stood.</summary>
    private static async Task<TurnResult> CrisisTurnAsync(TurnContext ctx, EngineState state, SafetyNet? judged = null)
    {
        var safety = judged ?? ctx.Safety;
        state.Data.Crisis = new CrisisData { Level = safety.Level, Reason = safety.Reason, SinceTurn = state.Data.Turn };
        await ctx.SayAsEngineAsync(CrisisKind, safety.CrisisMessage(followUp: false));
        state.Data.Status = ExecutionStatus.WaitingInput;
        return new TurnResult(ctx.Messages, state, [], PositionOf(ctx, null, ctx.Frame.Current), ExecutionStatus.WaitingInput, ctx.LlmCalls, null)
        {
            Safety = safety.Report(acted: true, suspended: true),
        };
    }

    /// <summary>
    /// While suspended, every input gets the protocol's follow-up and the script does not move. Words that show a
    /// higher risk than the one flagged act again (the flag is raised); the same or lower do not alert twice.
    /// </summary>
    private static async Task<TurnResult> SuspendedTurnAsync(TurnContext ctx, EngineState state)
    {
        var crisis = state.Data.Crisis!;
        var escalated = ctx.Safety.Level > crisis.Level && ctx.Safety.Level.Acts();
        if (escalated)
        {
            crisis.Level = ctx.Safety.Level;
            crisis.Reason = ctx.Safety.Reason;
        }
        await ctx.SayAsEngineAsync(CrisisKind, ctx.Safety.CrisisMessage(followUp: true));
        state.Data.Status = ExecutionStatus.WaitingInput;
        return new TurnResult(ctx.Messages, state, [], PositionOf(ctx, null, ctx.Frame.Current), ExecutionStatus.WaitingInput, ctx.LlmCalls, null)
        {
            Safety = ctx.Safety.Report(acted: escalated, suspended: true),
        };
    }

    /// <summary>The action id and type of the engine's crisis messages.</summary>
    public const string CrisisKind = "crisis";

    private async Task<ExecutionPosition> RunAsync(TurnContext ctx, string? input, CancellationToken ct)
    {
        var pending = input;
        var position = PositionOf(ctx, null, null);
        ctx.State.Status = ExecutionStatus.Running;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var frame = ctx.Frame;
            var script = ctx.ScriptOf(frame);
            if (frame.Current is { } current)
            {
                var action = ActionAt(script, frame);
                if (action is null || action.Id != current.ActionId)
                    throw new EngineException(EngineErrorCodes.StateMismatch, LocalText.Of("engine.error.actionMoved", ("action", current.ActionId)), false);
                if (pending is null)
                {
                    ctx.State.Status = ExecutionStatus.WaitingInput;
                    return PositionOf(ctx, action, current);
                }
                var step = await Runners[action.Type].ResumeAsync(ctx, action, current, pending, ct);
                pending = null;
                position = PositionOf(ctx, action, current);
                if (step == ActionStep.Waiting)
                {
                    ctx.State.Status = ExecutionStatus.WaitingInput;
                    return position;
                }
                frame.Current = null;
                frame.ActionIndex++;
                continue;
            }
            pending = null;
            var next = Advance(ctx, frame, script);
            if (next is null)
            {
                if (ctx.State.Frames.Count == 1)
                {
                    ctx.State.Status = ExecutionStatus.Completed;
                    return position;
                }
                FinishSkill(ctx);
                continue;
            }
            var runtime = new ActionRuntime { ActionId = next.Id, ActionType = next.Type, Round = 1, MaxRounds = 1 };
            frame.Current = runtime;
            if (next.Type == ActionTypes.UseSkill)
            {
                StartSkill(ctx, next, runtime);
                continue;
            }
            var started = await Runners[next.Type].StartAsync(ctx, next, runtime, ct);
            position = PositionOf(ctx, next, runtime);
            if (started == ActionStep.Waiting)
            {
                ctx.State.Status = ExecutionStatus.WaitingInput;
                return position;
            }
            frame.Current = null;
            frame.ActionIndex++;
        }
    }

    private static ActionDefinition? ActionAt(Script script, FrameData frame) =>
        frame.PhaseIndex < script.Phases.Count && frame.TopicIndex < script.Phases[frame.PhaseIndex].Topics.Count
        && frame.ActionIndex < script.Phases[frame.PhaseIndex].Topics[frame.TopicIndex].Actions.Count
            ? script.Phases[frame.PhaseIndex].Topics[frame.TopicIndex].Actions[frame.ActionIndex]
            : null;

    /// <summary>
    /// Moves the frame to the next runnable action, entering phases and topics on the way (entry conditions,
    /// declarations) and skipping actions whose condition is false. Null when the frame's script is done.
    /// </summary>
    private static ActionDefinition? Advance(TurnContext ctx, FrameData frame, Script script)
    {
        while (frame.PhaseIndex < script.Phases.Count)
        {
            var phase = script.Phases[frame.PhaseIndex];
            frame.PhaseId = phase.Id;
            if (frame.EnteredPhase != frame.PhaseIndex)
            {
                if (phase.EntryCondition is { } entry && !entry.Evaluate(ctx.Variables.Get))
                {
                    frame.PhaseIndex++;
                    frame.TopicIndex = 0;
                    frame.ActionIndex = 0;
                    continue;
                }
                frame.EnteredPhase = frame.PhaseIndex;
                frame.EnteredTopic = -1;
                if (frame.Locals is null) ctx.Variables.ApplyDeclarations("phase", phase.Declarations);
            }
            while (frame.TopicIndex < phase.Topics.Count)
            {
                var topic = phase.Topics[frame.TopicIndex];
                frame.TopicId = topic.Id;
                if (frame.EnteredTopic != frame.TopicIndex)
                {
                    frame.EnteredTopic = frame.TopicIndex;
                    ctx.Variables.ApplyDeclarations("topic", topic.Declarations);
                }
                while (frame.ActionIndex < topic.Actions.Count)
                {
                    var action = topic.Actions[frame.ActionIndex];
                    if (action.Condition is null || action.Condition.Evaluate(ctx.Variables.Get)) return action;
                    frame.ActionIndex++;
                }
                frame.TopicIndex++;
                frame.ActionIndex = 0;
            }
            frame.PhaseIndex++;
            frame.TopicIndex = 0;
            frame.ActionIndex = 0;
        }
        return null;
    }

    private void StartSkill(TurnContext ctx, ActionDefinition action, ActionRuntime runtime)
    {
        var config = (UseSkillConfig)action.Config;
        if (ctx.State.Frames.Count > _options.MaxSkillDepth)
            throw new EngineException(EngineErrorCodes.ActionExecutionError,
                LocalText.Of("engine.error.skillsTooDeep", ("depth", _options.MaxSkillDepth), ("action", action.Id)), false);
        var technique = _options.Skills?.Resolve(config.Skill)
            ?? throw new EngineException(EngineErrorCodes.SkillNotFound, LocalText.Of("engine.error.skillNotFound", ("skill", config.Skill), ("action", action.Id)), false);
        if (technique.Kind != ScriptKind.Technique)
            throw new EngineException(EngineErrorCodes.SkillNotFound, LocalText.Of("engine.error.notATechnique", ("skill", config.Skill)), false);
        runtime.WaitingFor = "skill";
        // Inputs are evaluated in the caller's scope before the skill's frame exists.
        var inputs = new List<(string Name, JsonNode? Value)>();
        foreach (var binding in config.Input)
        {
            if (BindValue(ctx, binding.Value, out var bound)) inputs.Add((binding.Set, bound));
        }
        ctx.State.Frames.Add(new FrameData { SkillId = config.Skill, CallerActionId = action.Id, Locals = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) });
        foreach (var (name, value) in inputs) ctx.Variables.WriteScope("topic", name, value, action.Id);
    }

    /// <summary>
    /// A value that is exactly one placeholder keeps the variable's type, and binds nothing when the variable
    /// is unset so the skill's declared default applies; other text is substituted.
    /// </summary>
    private static bool BindValue(TurnContext ctx, JsonNode? value, out JsonNode? bound)
    {
        bound = value?.DeepClone();
        if (value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String) return true;
        var text = v.GetValue<string>().Trim();
        var names = Placeholders.Names(text).ToList();
        if (names.Count == 1 && Placeholders.Substitute(text, _ => (true, null)).Length == 0)
        {
            if (!ctx.Variables.TryGet(names[0], out var whole)) return false;
            bound = whole?.DeepClone();
            return true;
        }
        bound = JsonValue.Create(ctx.Substitute(v.GetValue<string>()));
        return true;
    }

    private static void FinishSkill(TurnContext ctx)
    {
        var skillFrame = ctx.State.Frames[^1];
        ctx.State.Frames.RemoveAt(ctx.State.Frames.Count - 1);
        var caller = ctx.Frame;
        var action = ActionAt(ctx.ScriptOf(caller), caller)
            ?? throw new EngineException(EngineErrorCodes.StateMismatch, LocalText.Of("engine.error.callerMissing"), false);
        var config = (UseSkillConfig)action.Config;
        foreach (var name in config.Output)
        {
            if (skillFrame.Locals!.TryGetValue(name, out var value) || ctx.Variables.TryGet(name, out value))
                ctx.Variables.Write(name, value, action.Id);
        }
        caller.Current = null;
        caller.ActionIndex++;
    }

    private static ExecutionPosition PositionOf(TurnContext ctx, ActionDefinition? action, ActionRuntime? runtime)
    {
        var frame = ctx.Frame;
        return new ExecutionPosition(frame.PhaseIndex, frame.PhaseId, frame.TopicIndex, frame.TopicId, frame.ActionIndex,
            action?.Id ?? frame.Current?.ActionId, action?.Type ?? frame.Current?.ActionType, runtime?.Round ?? 0, runtime?.MaxRounds ?? 0)
        {
            SkillId = frame.SkillId,
        };
    }
}

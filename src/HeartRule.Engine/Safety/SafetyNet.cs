using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>
/// The safety net of one turn: screens the client's input, asks a second opinion when the screen is unsure or the
/// model raised its <c>crisis_signal</c>, checks every AI reply before it is said, and reports what it saw.
/// </summary>
internal sealed class SafetyNet(TurnContext ctx)
{
    private ScreenResult _screen = ScreenResult.Nothing;
    private RiskLevel? _secondOpinion;
    private bool _secondOpinionFailed;
    private bool _modelSignal;
    private readonly List<ReplyReplacement> _replaced = [];

    private SafetyOptions Options => ctx.Options.Safety;

    /// <summary>Risk as judged so far: the screen, raised by the second opinion; a model alarm nobody could check counts as high.</summary>
    public RiskLevel Level
    {
        get
        {
            var level = _screen.Level;
            if (_secondOpinion is { } second && second > level) level = second;
            if (_modelSignal && _secondOpinionFailed && level < RiskLevel.High) level = RiskLevel.High;
            return level;
        }
    }

    public bool Screened { get; private set; }

    /// <summary>An input was screened or a reply held back: the turn reports it (a start has no input, but may hold a reply back).</summary>
    public bool HasReport => Screened || _replaced.Count > 0;

    public ScreenResult Screen(string input)
    {
        Screened = true;
        return _screen = Options.Screen.Screen(input);
    }

    /// <summary>Asks the model once per turn how much danger the client's last message shows.</summary>
    public async Task<RiskLevel> SecondOpinionAsync(CancellationToken ct)
    {
        if (_secondOpinion is { } known) return known;
        var template = ctx.Template("crisis_check");
        var runtime = new ActionRuntime { ActionId = "safety", ActionType = "safety", Round = 0, MaxRounds = 0 };
        var prompt = PromptBuilder.Build(ctx, template, runtime, "", null, null, []);
        var hints = PromptBuilder.Hints(template, LlmHints.Purposes.CrisisCheck, runtime, "", [], null, ctx.LastClientMessage());
        try
        {
            var reply = await ctx.Llm.CallAsync(new LlmRequest("safety", "safety", LlmHints.Purposes.CrisisCheck, 0, prompt, template.Source, hints, 0f, 200, false), ct);
            if (reply.Parsed && RiskLevels.TryParse(LlmReplyParser.Text(reply.Json, "risk_level"), out var level))
            {
                _secondOpinion = level;
                return level;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // An unanswered second opinion must not block the turn: the decision falls back on the other signals.
        }
        _secondOpinionFailed = true;
        _secondOpinion = RiskLevel.None;
        return Level;
    }

    /// <summary>
    /// A model reply said <c>crisis_signal</c>. Unless the words were already judged, a second opinion decides; when it
    /// finds high risk the turn is abandoned for the crisis response (<see cref="CrisisDetectedException"/>).
    /// </summary>
    public async Task OnModelSignalAsync(CancellationToken ct)
    {
        if (_modelSignal || !Screened) return;
        _modelSignal = true;
        if (_secondOpinion is null) await SecondOpinionAsync(ct);
        if (Level.Acts()) throw new CrisisDetectedException();
    }

    /// <summary>The words to say instead of <paramref name="content"/>, or null when it may be said.</summary>
    public string? CheckReply(string actionId, string content, JsonObject? modelReply)
    {
        if (Options.Replies.Check(content, modelReply) is not { } violation) return null;
        _replaced.Add(new ReplyReplacement(actionId, violation.RuleId, violation.Category));
        return ctx.EngineText("safety.fallback");
    }

    /// <summary>What the client is told on a crisis: the script's own protocol, else the deployment's, with the resources for the session's language.</summary>
    public string CrisisMessage(bool followUp)
    {
        var resources = Options.Resources.TryGetValue(ctx.SpeechLocale, out var configured) ? configured
            : HeartRule.Localization.Locale.Chain(ctx.Locale).Select(l => Options.Resources.GetValueOrDefault(l)).FirstOrDefault(r => r is not null)
              ?? ctx.EngineText("safety.resources");
        var own = ctx.Script.Crisis is { } protocol ? (followUp ? protocol.FollowUp ?? protocol.Message : protocol.Message) : null;
        return own is not null
            ? ctx.Substitute(own.Replace("{{crisis_resources}}", resources, StringComparison.Ordinal))
            : ctx.EngineText(followUp ? "safety.crisis.followUp" : "safety.crisis.message", ("resources", resources));
    }

    public string? Reason
    {
        get
        {
            var top = _screen.Matches.Where(m => !m.Negated).OrderByDescending(m => m.Level).FirstOrDefault()
                ?? _screen.Matches.OrderByDescending(m => m.Level).FirstOrDefault();
            var category = top?.Category ?? "unspecified";
            if (Level == RiskLevel.None) return null;
            if (_screen.Level == Level) return $"screen:{category}";
            return _secondOpinion is { } s && s == Level ? $"second_opinion:{category}" : $"model:{category}";
        }
    }

    public TurnSafety Report(bool acted, bool suspended)
    {
        var evidence = _screen.Matches.Select(m => m.Negated ? $"negated:{m.RuleId}" : m.RuleId).ToList();
        if (_modelSignal) evidence.Add("llm.crisis_signal");
        if (_secondOpinion is { } second) evidence.Add(_secondOpinionFailed ? "second_opinion:failed" : $"second_opinion:{second.ToWire()}");
        return new TurnSafety(Level, acted, suspended, evidence, Reason, _screen.LexiconVersion, _replaced);
    }
}

/// <summary>The model's alarm was confirmed mid-turn: what the turn did so far is dropped for the crisis response.</summary>
internal sealed class CrisisDetectedException() : Exception("A crisis was detected during the turn.");

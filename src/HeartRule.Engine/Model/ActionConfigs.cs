using System.Text.Json.Nodes;

namespace HeartRule.Engine;

public abstract record ActionConfig;

/// <summary>An <c>output</c> entry: <c>get</c> names the variable, <c>define</c> tells the LLM what to put in it.</summary>
public sealed record OutputField(string Get, string? Define);

/// <summary>A <c>use_skill</c> input binding: the skill's variable <c>set</c> receives <c>value</c> (placeholders allowed).</summary>
public sealed record InputBinding(string Set, JsonNode? Value);

public sealed record AiSayConfig(
    string Content, string? Tone, int? MaxRounds, string? Exit,
    bool? RequireAcknowledgment, ExitCriteria? ExitCriteria) : ActionConfig
{
    public int EffectiveMaxRounds => MaxRounds ?? 1;
    /// <summary>Only a single-round ai_say waits for acknowledgement; it does so unless told otherwise.</summary>
    public bool WaitsForAcknowledgment => EffectiveMaxRounds == 1 && (RequireAcknowledgment ?? true);
}

public sealed record AiAskConfig(
    string Content, string? Tone, string? Exit, int? MaxRounds, IReadOnlyList<OutputField> Output) : ActionConfig
{
    public const int DefaultMaxRounds = 3;
    public int EffectiveMaxRounds => MaxRounds ?? DefaultMaxRounds;
}

public sealed record AiThinkConfig(string Content, IReadOnlyList<OutputField> Output) : ActionConfig;

public sealed record UseSkillConfig(string Skill, IReadOnlyList<InputBinding> Input, IReadOnlyList<string> Output) : ActionConfig;

public sealed record ExitCriteria(
    int? MinRounds, int? UnderstandingThreshold, bool? HasQuestions,
    IReadOnlyList<CustomCondition> CustomConditions);

public sealed record CustomCondition(string Variable, string Operator, JsonNode? Value);

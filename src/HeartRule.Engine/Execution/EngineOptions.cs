namespace HeartRule.Engine;

public sealed class EngineOptions
{
    /// <summary>Technique scripts for <c>use_skill</c>.</summary>
    public ISkillResolver? Skills { get; init; }

    /// <summary>Where prompt templates come from before the embedded defaults (e.g. a folder or a project's store).</summary>
    public IPromptTemplateProvider? Templates { get; init; }

    /// <summary>Shortcut for a <see cref="DirectoryPromptTemplateProvider"/>; ignored when <see cref="Templates"/> is set.</summary>
    public string? TemplatesDirectory { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Receives the tokens of each AI message while it is generated. Setting it makes the engine stream.</summary>
    public Func<MessageDelta, ValueTask>? OnDelta { get; init; }

    /// <summary>Model name recorded in debug records when the client does not report one.</summary>
    public string? ModelName { get; init; }

    /// <summary>
    /// Ask the model for a JSON object (<c>response_format: json_object</c>). Turn off for OpenAI-compatible
    /// servers that reject the parameter; the prompts ask for JSON either way and replies are parsed leniently.
    /// </summary>
    public bool RequestJsonResponse { get; init; } = true;

    /// <summary>How many past messages prompts show; at most <see cref="StateData.HistoryKept"/>, what the state keeps.</summary>
    public int HistoryWindow { get; init; } = 10;

    /// <summary>The crisis screen, the reply check and the crisis resources (docs/safety.md).</summary>
    public SafetyOptions Safety { get; init; } = new();

    /// <summary>Guards against skills that call each other in a loop.</summary>
    public int MaxSkillDepth { get; init; } = 8;

    internal IPromptTemplateProvider? EffectiveTemplates =>
        Templates ?? (TemplatesDirectory is null ? null : new DirectoryPromptTemplateProvider(TemplatesDirectory));
}

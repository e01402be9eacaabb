namespace HeartRule.Engine;

public enum ScriptKind { Session, Technique }

/// <summary>
/// A parsed, validated script. A technique script (root key <c>topic:</c>) is represented as a single
/// synthetic phase holding its one topic, so the executor walks both kinds the same way.
/// </summary>
public sealed class Script
{
    internal Script(ScriptKind kind, string id, string? name, string? description, string? version,
        string? templateScheme, ScriptMetadata? metadata, IReadOnlyList<VariableDeclaration> declarations,
        IReadOnlyList<PhaseDefinition> phases, CrisisProtocol? crisis = null, bool monitor = false)
    {
        Crisis = crisis;
        Monitor = monitor;
        Kind = kind;
        Id = id;
        Name = name;
        Description = description;
        Version = version;
        TemplateScheme = templateScheme;
        Metadata = metadata;
        Declarations = declarations;
        Phases = phases;
    }

    public ScriptKind Kind { get; }
    /// <summary><c>session_id</c> or, for a technique, <c>topic_id</c>.</summary>
    public string Id { get; }
    public string? Name { get; }
    public string? Description { get; }
    public string? Version { get; }
    public string? TemplateScheme { get; }
    public ScriptMetadata? Metadata { get; }
    /// <summary>The language the script is written in (<c>metadata.language</c>, a BCP 47 tag); null when it does not say.</summary>
    public string? Language => Metadata?.Language;
    /// <summary>Session-level <c>declare</c> entries (empty for techniques, whose declarations sit on the topic).</summary>
    public IReadOnlyList<VariableDeclaration> Declarations { get; }
    public IReadOnlyList<PhaseDefinition> Phases { get; }
    /// <summary>The script's own crisis protocol; null: the deployment's default.</summary>
    public CrisisProtocol? Crisis { get; }
    /// <summary><c>session.monitor</c>: after a round of ai_ask or ai_say that did not complete, a monitor judges the client's engagement and steers the next prompt.</summary>
    public bool Monitor { get; }

    /// <summary>For a technique script, its single topic.</summary>
    public TopicDefinition? Topic => Kind == ScriptKind.Technique ? Phases[0].Topics[0] : null;

    public IEnumerable<ActionDefinition> AllActions() =>
        Phases.SelectMany(p => p.Topics).SelectMany(t => t.Actions);
}

public sealed record ScriptMetadata(string? Name, string? Version, string? Author, string? Description, string? Language = null);

/// <summary>A <c>declare</c> entry: pins a variable to the scope it is declared in, optionally with a starting value.</summary>
public sealed record VariableDeclaration(string Name, string? Define, System.Text.Json.Nodes.JsonNode? Value);

public sealed record PhaseDefinition(
    string Id, string? Name, string? Goal, string? Description,
    Condition? EntryCondition,
    IReadOnlyList<VariableDeclaration> Declarations,
    IReadOnlyList<TopicDefinition> Topics);

public sealed record TopicDefinition(
    string Id, string? Name, string? Goal, string? Description, string? Strategy,
    IReadOnlyList<VariableDeclaration> Declarations,
    IReadOnlyList<ActionDefinition> Actions);

public static class ActionTypes
{
    public const string AiSay = "ai_say";
    public const string AiAsk = "ai_ask";
    public const string AiThink = "ai_think";
    public const string UseSkill = "use_skill";
    public static readonly IReadOnlyList<string> All = [AiSay, AiAsk, AiThink, UseSkill];
}

public sealed record ActionDefinition(string Type, string Id, Condition? Condition, ActionConfig Config);

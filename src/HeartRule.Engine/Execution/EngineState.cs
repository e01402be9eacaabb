using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HeartRule.Engine;

/// <summary>
/// The whole memory of a session between turns. It round-trips through JSON, so a service can store it
/// anywhere and continue on any instance.
/// </summary>
public sealed class EngineState
{
    internal EngineState(StateData data) => Data = data;

    internal StateData Data { get; }

    public string ScriptId => Data.ScriptId;
    /// <summary>The session's locale (BCP 47), fixed at its start; null for a state written before sessions had one.</summary>
    public string? Locale => Data.Locale;
    public ExecutionStatus Status => Data.Status;
    public bool Started => Data.Started;
    public int Turn => Data.Turn;
    public IReadOnlyList<ConversationEntry> History => Data.History;
    /// <summary>The script waits in its crisis protocol (<see cref="ScriptExecutor.HandBack"/> lets it go on).</summary>
    public bool Suspended => Data.Crisis is not null;
    /// <summary>The counsellor holding the conversation (<see cref="ScriptExecutor.TakeOver"/>), or null.</summary>
    public string? HeldBy => Data.HeldBy;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(Data, Json);

    public static EngineState FromJson(string json)
    {
        var data = JsonSerializer.Deserialize<StateData>(json, Json) ?? throw new JsonException("The engine state is empty");
        if (data.Frames.Count == 0) throw new JsonException("The engine state has no execution frame");
        return new EngineState(data);
    }

    internal EngineState Clone() => FromJson(ToJson());

    /// <summary>Current values visible at the position, per scope; inside a skill, "topic" is the skill's own scope.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonNode?>> VariablesByScope()
    {
        var root = Data.Frames[0];
        var vars = Data.Variables;
        IReadOnlyDictionary<string, JsonNode?> Copy(Dictionary<string, JsonNode?>? d) =>
            d is null ? new Dictionary<string, JsonNode?>() : d.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone());
        var topic = Data.Frames.Count > 1 ? Data.Frames[^1].Locals
            : root.TopicId is null ? null : vars.Topic.GetValueOrDefault(root.TopicId);
        return new Dictionary<string, IReadOnlyDictionary<string, JsonNode?>>
        {
            ["global"] = Copy(vars.Global),
            ["session"] = Copy(vars.Session),
            ["phase"] = Copy(root.PhaseId is null ? null : vars.Phase.GetValueOrDefault(root.PhaseId)),
            ["topic"] = Copy(topic),
        };
    }

    /// <summary>Every variable visible at the position, with inner scopes winning.</summary>
    public IReadOnlyDictionary<string, JsonNode?> VisibleVariables()
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var scope in new[] { "global", "session", "phase", "topic" })
        {
            foreach (var (k, v) in VariablesByScope()[scope])
            {
                if (v is not null) result[k] = v;
            }
        }
        return result;
    }
}

public sealed record ConversationEntry(string Role, string Content, string? ActionId, int Turn);

internal sealed class StateData
{
    public int Version { get; set; } = 1;
    public string ScriptId { get; set; } = "";
    public string? Locale { get; set; }
    public ExecutionStatus Status { get; set; } = ExecutionStatus.Running;
    public bool Started { get; set; }
    public int Turn { get; set; }
    public List<FrameData> Frames { get; set; } = [];
    public VariableData Variables { get; set; } = new();
    public List<ConversationEntry> History { get; set; } = [];

    /// <summary>
    /// How much of the conversation the state keeps. Prompts show only the last <see cref="EngineOptions.HistoryWindow"/>
    /// messages; kept whole, the history made the state, every hop it takes and every stored turn grow with the
    /// session's length (2,000 messages: ~200 KB per turn). The transcript itself is in the database.
    /// </summary>
    public const int HistoryKept = 40;

    /// <summary>Adds to the history, dropping the oldest entries beyond <see cref="HistoryKept"/> but never the client's last words.</summary>
    public void Remember(ConversationEntry entry)
    {
        History.Add(entry);
        if (History.Count <= HistoryKept) return;
        var cut = History.Count - HistoryKept;
        var lastClient = History.FindLastIndex(h => h.Role == "user" && h.Content.Length > 0);
        var kept = lastClient >= 0 && lastClient < cut ? History[lastClient] : null;
        History.RemoveRange(0, cut);
        if (kept is not null) History.Insert(0, kept);
    }
    /// <summary>Set while the script is suspended in its crisis protocol; its position is kept to resume from.</summary>
    public CrisisData? Crisis { get; set; }
    /// <summary>The counsellor who took the conversation over: the script waits, the conversation goes on in <see cref="History"/>.</summary>
    public string? HeldBy { get; set; }
}

internal sealed class CrisisData
{
    public RiskLevel Level { get; set; }
    public string? Reason { get; set; }
    public int SinceTurn { get; set; }
}

/// <summary>One level of execution: the session itself, or a skill it called (innermost last).</summary>
internal sealed class FrameData
{
    public string? SkillId { get; set; }
    public string? CallerActionId { get; set; }
    public int PhaseIndex { get; set; }
    public int TopicIndex { get; set; }
    public int ActionIndex { get; set; }
    public string? PhaseId { get; set; }
    public string? TopicId { get; set; }
    /// <summary>Which phase/topic had its entry handled (condition, declarations), so resuming does not redo it.</summary>
    public int EnteredPhase { get; set; } = -1;
    public int EnteredTopic { get; set; } = -1;
    public ActionRuntime? Current { get; set; }
    /// <summary>A skill's own topic scope; null for the session frame, whose scopes live in <see cref="VariableData"/>.</summary>
    public Dictionary<string, JsonNode?>? Locals { get; set; }
}

internal sealed class ActionRuntime
{
    public string ActionId { get; set; } = "";
    public string ActionType { get; set; } = "";
    public int Round { get; set; }
    public int MaxRounds { get; set; }
    /// <summary>"acknowledgment", "answer", "reply" or "skill".</summary>
    public string? WaitingFor { get; set; }
    public List<string> Filled { get; set; } = [];
    /// <summary>The monitor's advice on the last round that did not complete, added to this action's next prompt.</summary>
    public string? MonitorAdvice { get; set; }
}

internal sealed class VariableData
{
    public Dictionary<string, JsonNode?> Global { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, JsonNode?> Session { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, JsonNode?>> Phase { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, JsonNode?>> Topic { get; set; } = new(StringComparer.Ordinal);
}

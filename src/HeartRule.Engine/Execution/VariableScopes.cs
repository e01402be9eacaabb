using System.Text.Json.Nodes;

namespace HeartRule.Engine;

/// <summary>
/// Reads and writes variables at the current position. Reads go topic → phase → session → global (a skill's
/// own scope comes first, then its caller's chain); empty values fall through so a declaration without a
/// value never hides a global. Writes go to the innermost scope that declares the name, else topic.
/// </summary>
internal sealed class VariableScopes(TurnContext ctx)
{
    private VariableData Store => ctx.State.Variables;

    public bool TryGet(string name, out JsonNode? value)
    {
        for (var i = ctx.State.Frames.Count - 1; i >= 0; i--)
        {
            var frame = ctx.State.Frames[i];
            if (frame.Locals is not null)
            {
                if (Found(frame.Locals, name, out value)) return true;
                continue;
            }
            if (frame.TopicId is not null && Store.Topic.TryGetValue(frame.TopicId, out var t) && Found(t, name, out value)) return true;
            if (frame.PhaseId is not null && Store.Phase.TryGetValue(frame.PhaseId, out var p) && Found(p, name, out value)) return true;
            if (Found(Store.Session, name, out value)) return true;
            if (Found(Store.Global, name, out value)) return true;
        }
        value = null;
        return false;
    }

    public JsonNode? Get(string name) => TryGet(name, out var v) ? v : null;

    private static bool Found(Dictionary<string, JsonNode?> bag, string name, out JsonNode? value)
    {
        if (bag.TryGetValue(name, out value) && value is not null) return true;
        value = null;
        return false;
    }

    /// <summary>Writes an action's result where the name is declared, defaulting to the current topic.</summary>
    public void Write(string name, JsonNode? value, string? actionId)
    {
        var frame = ctx.Frame;
        if (frame.Locals is not null)
        {
            Set(frame.Locals, "topic", name, value, actionId);
            return;
        }
        var phase = ctx.PhaseOf(frame);
        var topic = ctx.TopicOf(frame);
        if (topic is not null && topic.Declarations.Any(d => d.Name == name)) WriteScope("topic", name, value, actionId);
        else if (phase is not null && phase.Declarations.Any(d => d.Name == name)) WriteScope("phase", name, value, actionId);
        else if (ctx.Script.Declarations.Any(d => d.Name == name)) WriteScope("session", name, value, actionId);
        else WriteScope("topic", name, value, actionId);
    }

    public void WriteScope(string scope, string name, JsonNode? value, string? actionId)
    {
        var frame = ctx.State.Frames[0];
        Dictionary<string, JsonNode?> bag = scope switch
        {
            "global" => Store.Global,
            "session" => Store.Session,
            "phase" => Bag(Store.Phase, frame.PhaseId ?? throw new InvalidOperationException("No current phase")),
            _ => ctx.Frame.Locals ?? Bag(Store.Topic, frame.TopicId ?? throw new InvalidOperationException("No current topic")),
        };
        Set(bag, scope, name, value, actionId);
    }

    private void Set(Dictionary<string, JsonNode?> bag, string scope, string name, JsonNode? value, string? actionId)
    {
        bag.TryGetValue(name, out var old);
        if (JsonNode.DeepEquals(old, value) && bag.ContainsKey(name)) return;
        bag[name] = value?.DeepClone();
        ctx.Changes.Add(new VariableChange(name, scope, old?.DeepClone(), value?.DeepClone(), actionId));
    }

    private static Dictionary<string, JsonNode?> Bag(Dictionary<string, Dictionary<string, JsonNode?>> bags, string key)
    {
        if (!bags.TryGetValue(key, out var bag)) bags[key] = bag = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        return bag;
    }

    /// <summary>Seeds declared starting values when a scope is entered, without overwriting what is already there.</summary>
    public void ApplyDeclarations(string scope, IEnumerable<VariableDeclaration> declarations)
    {
        foreach (var d in declarations.Where(d => d.Value is not null))
        {
            var bag = scope switch
            {
                "session" => Store.Session,
                "phase" => Bag(Store.Phase, ctx.State.Frames[0].PhaseId!),
                _ => ctx.Frame.Locals ?? Bag(Store.Topic, ctx.State.Frames[0].TopicId!),
            };
            if (bag.TryGetValue(d.Name, out var existing) && existing is not null) continue;
            Set(bag, scope, d.Name, d.Value, null);
        }
    }
}

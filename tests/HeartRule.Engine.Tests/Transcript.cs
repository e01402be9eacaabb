using System.Text;
using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

/// <summary>Plays a script turn by turn and renders a human-readable transcript for golden comparisons.</summary>
internal static class Transcript
{
    public static async Task<(string Text, TurnResult Last)> PlayAsync(Script script, IEnumerable<string> inputs,
        IReadOnlyDictionary<string, JsonNode?>? initial = null, EngineOptions? options = null)
    {
        var executor = new ScriptExecutor(new OfflineChatClient(), options);
        var sb = new StringBuilder();
        sb.Append("> (start)\n");
        var result = await executor.StartAsync(script, initial);
        Render(sb, result);
        foreach (var input in inputs)
        {
            if (result.Status != ExecutionStatus.WaitingInput) throw new InvalidOperationException($"Script stopped early with {result.Status}");
            sb.Append(input.Length == 0 ? "> (next)\n" : $"> {input}\n");
            // Every turn goes through JSON, as a service storing the state would.
            result = await executor.ContinueAsync(script, EngineState.FromJson(result.State.ToJson()), input);
            Render(sb, result);
        }
        return (sb.ToString(), result);
    }

    // Values as a person reads them: Chinese text as written, not as \u escapes.
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void Render(StringBuilder sb, TurnResult r)
    {
        foreach (var m in r.Messages) sb.Append($"[{m.ActionId}#{m.Round}] {m.Content}\n");
        foreach (var c in r.ChangedVariables)
            sb.Append($"  {c.Scope}.{c.Name} = {c.NewValue?.ToJsonString(Readable) ?? "null"}\n");
        if (r.Safety is { IsQuiet: false } s)
        {
            sb.Append($"  ! risk {s.Risk.ToWire()}{(s.Acted ? ", acted" : "")}{(s.Suspended ? ", suspended" : "")}{(s.Reason is null ? "" : $" ({s.Reason})")}{(s.Evidence.Count == 0 ? "" : ": " + string.Join(", ", s.Evidence))}\n");
            foreach (var replaced in s.RepliesReplaced) sb.Append($"  ! reply of {replaced.ActionId} replaced ({replaced.RuleId})\n");
        }
        sb.Append(r.Status switch
        {
            ExecutionStatus.WaitingInput => $"= waiting at {(r.Position.SkillId is null ? "" : r.Position.SkillId + "/")}{r.Position.ActionId} (round {r.Position.CurrentRound}/{r.Position.MaxRounds})\n",
            ExecutionStatus.Error => $"= error {r.Error?.Code}: {r.Error?.Message}\n",
            _ => $"= {r.Status.ToString().ToLowerInvariant()}\n",
        });
    }
}

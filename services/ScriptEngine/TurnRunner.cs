using System.Text.Json;
using System.Text.Json.Nodes;
using HeartRule.Contracts;
using HeartRule.Engine;
using HeartRule.Infrastructure.Delivery;
using HeartRule.Localization;
using Microsoft.Extensions.AI;

namespace HeartRule.ScriptEngine;

/// <summary>
/// Runs one turn: the engine is stateless, everything it needs arrives in the request, and the answer is the whole
/// result. Sessions calls it over HTTP (<see cref="TurnEndpoints"/>); only the streamed pieces of AI messages go
/// elsewhere: straight to the gateways' sockets.
/// </summary>
public sealed class TurnRunner(
    ScriptCatalog catalog, IChatClient chat, EngineSettings settings, SafetyOptions safety, SessionEventDelivery delivery, TimeProvider time, ILogger<TurnRunner> logger)
{
    public async Task<TurnExecuted> RunAsync(ExecuteTurn request, CancellationToken ct)
    {
        using var scope = logger.BeginScope("sessionId:{sessionId}", request.SessionId);
        var script = await catalog.GetAsync(request.ScriptId, request.ScriptVersion, ct);
        if (script is null)
        {
            // Said in the session's language: the turn's error is part of its transcript.
            var locale = request.Locale ?? (request.StateJson is null ? null : EngineState.FromJson(request.StateJson).Locale);
            return TurnExecuted.Failed(new ErrorInfo(ErrorCodes.ScriptNotFound,
                Catalogue.Get(locale, "error.scriptVersionMissing", ("script", request.ScriptId), ("version", request.ScriptVersion)), false));
        }

        var streamer = new DeltaStreamer(request.SessionId, SendDeltaAsync, time);
        var executor = new ScriptExecutor(chat, new EngineOptions
        {
            Skills = catalog,
            TemplatesDirectory = settings.TemplatesDirectory,
            RequestJsonResponse = settings.RequestJsonResponse,
            OnDelta = settings.StreamDeltas ? streamer.OnDelta : null,
            Safety = safety,
        });
        TurnResult result;
        if (request.StateJson is null)
        {
            var initial = request.InitialVariables?.ToDictionary(kv => kv.Key, kv => JsonNode.Parse(kv.Value.GetRawText()));
            result = await executor.StartAsync(script, initial, request.Locale, ct);
        }
        else
        {
            result = await executor.ContinueAsync(script, EngineState.FromJson(request.StateJson), request.UserInput ?? "", ct);
        }
        logger.LogDebug("Turn executed for session {SessionId}: {Status}, {MessageCount} message(s), {LlmCallCount} LLM call(s)",
            request.SessionId, result.Status, result.Messages.Count, result.LlmCalls.Count);
        // The client gets a typed error in safe words; the whole failure, stack trace included, goes to the log.
        if (result.Error is { Cause: { } cause } failure)
            logger.LogError(cause, "Turn of session {SessionId} failed at action {ActionId}: {Code}", request.SessionId, failure.ActionId, failure.Code);
        await streamer.CompleteAsync();
        return ToContract(result, streamer.MessageIdAt, request.OmitLlmText);
    }

    /// <summary>A lost piece costs a moment of preview, never a message (the final message is the durable one): not worth failing the turn.</summary>
    private async Task SendDeltaAsync(MessageDeltaProduced delta)
    {
        try
        {
            await delivery.DeliverDeltaAsync(delta);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            logger.LogDebug(ex, "A piece of message {MessageId} of session {SessionId} was not delivered", delta.MessageId, delta.SessionId);
        }
    }

    public static TurnExecuted ToContract(TurnResult r, Func<int, Guid> messageIdAt, bool omitLlmText = false) => new()
    {
        Messages = r.Messages.Select((m, i) => new AiMessage(m.Content, m.ActionId, m.ActionType, m.Round, messageIdAt(i))).ToList(),
        StateJson = r.State.ToJson(),
        ExecutionStatus = ToWire(r.Status),
        Position = new SessionPosition(r.Position.PhaseIndex, r.Position.PhaseId, r.Position.TopicIndex, r.Position.TopicId,
            r.Position.ActionIndex, r.Position.ActionId, r.Position.ActionType, r.Position.CurrentRound, r.Position.MaxRounds),
        ChangedVariables = r.ChangedVariables.Select(c => new VariableChangeRecord(c.Name, c.Scope, ToElement(c.OldValue), ToElement(c.NewValue), c.ActionId)).ToList(),
        Variables = r.State.VariablesByScope().ToDictionary(
            s => s.Key,
            s => (IReadOnlyDictionary<string, JsonElement>)s.Value.ToDictionary(v => v.Key, v => ToElement(v.Value) ?? default)),
        LlmCalls = r.LlmCalls.Select(c => new LlmCall(c.ActionId, c.Purpose, c.Model, omitLlmText ? null : c.Prompt, omitLlmText ? null : c.Response,
            c.PromptTokens, c.CompletionTokens, c.LatencyMs, c.FinishReason, c.Template)).ToList(),
        Error = r.Error is null ? null : new ErrorInfo(r.Error.Code, r.Error.Message, r.Error.Retryable),
        Locale = r.State.Locale,
        Safety = r.Safety is not { } s ? null : new SafetyReport(s.Risk.ToWire(), s.Acted, s.Suspended, s.Evidence, s.Reason, s.LexiconVersion,
            [.. s.RepliesReplaced.Select(x => new ReplacedReply(x.ActionId, x.RuleId, x.Category))]),
    };

    public static string ToWire(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => "running",
        ExecutionStatus.WaitingInput => "waiting_input",
        ExecutionStatus.Completed => "completed",
        _ => "error",
    };

    private static JsonElement? ToElement(JsonNode? node) => node is null ? null : JsonSerializer.SerializeToElement(node);
}

using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace HeartRule.Engine;

internal sealed record LlmRequest(
    string ActionId, string ActionType, string Purpose, int Round, string Prompt, string Template,
    AdditionalPropertiesDictionary Hints, float Temperature, int MaxTokens, bool StreamsMessage);

internal sealed record LlmReply(JsonObject Json, string Raw, bool Parsed, bool DeltasSent);

/// <summary>Makes one model call, streams the message part when asked, and records the call for debugging.</summary>
internal sealed class LlmInvoker(IChatClient chat, EngineOptions options, List<LlmCallRecord> records)
{
    /// <summary>Called when a reply to the script's own work carries the model's <c>crisis_signal</c>.</summary>
    public Func<CancellationToken, Task>? OnCrisisSignal { get; set; }

    public async Task<LlmReply> CallAsync(LlmRequest request, CancellationToken ct)
    {
        var chatOptions = new ChatOptions
        {
            Temperature = request.Temperature,
            MaxOutputTokens = request.MaxTokens,
            AdditionalProperties = request.Hints,
            ResponseFormat = options.RequestJsonResponse ? ChatResponseFormat.Json : null,
        };
        if (options.ModelName is not null) chatOptions.ModelId = options.ModelName;
        List<ChatMessage> messages = [new(ChatRole.User, request.Prompt)];
        using var activity = LlmTelemetry.StartCall(request);
        var started = Stopwatch.GetTimestamp();
        ModelReply reply;
        try
        {
            reply = await ReadReplyAsync(request, messages, chatOptions, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The type only: a provider's message may quote the request.
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var (raw, model, finish, usage, deltasSent) = reply;
        var record = new LlmCallRecord(request.ActionId, request.Purpose, model ?? options.ModelName ?? "unknown", request.Prompt, raw,
            (int?)usage?.InputTokenCount, (int?)usage?.OutputTokenCount, latency, finish, request.Template);
        records.Add(record);
        LlmTelemetry.Record(activity, record.Purpose, record.Model, record.PromptTokens, record.CompletionTokens, latency, finish);
        var json = LlmReplyParser.Parse(raw, out var parsed);
        if (parsed && request.Purpose != LlmHints.Purposes.CrisisCheck && OnCrisisSignal is { } onSignal
            && (LlmReplyParser.Flag(json, "crisis_signal") || json["metadata"] is JsonObject meta && LlmReplyParser.Flag(meta, "crisis_signal")))
            await onSignal(ct).ConfigureAwait(false);
        return new LlmReply(json, raw, parsed, deltasSent);
    }

    private async Task<ModelReply> ReadReplyAsync(LlmRequest request, List<ChatMessage> messages, ChatOptions chatOptions, CancellationToken ct)
    {
        if (options.OnDelta is { } onDelta && request.StreamsMessage)
        {
            var deltasSent = false;
            var extractor = new ContentStreamExtractor();
            var text = new StringBuilder();
            string? model = null;
            string? finish = null;
            UsageDetails? usage = null;
            await foreach (var update in chat.GetStreamingResponseAsync(messages, chatOptions, ct).ConfigureAwait(false))
            {
                model ??= update.ModelId;
                if (update.FinishReason is { } fr) finish = fr.Value;
                foreach (var u in update.Contents.OfType<UsageContent>()) usage = u.Details;
                var piece = update.Text;
                if (string.IsNullOrEmpty(piece)) continue;
                text.Append(piece);
                var decoded = extractor.Push(piece);
                if (decoded.Length > 0 && !extractor.ExitSeenBeforeContent)
                {
                    deltasSent = true;
                    await onDelta(new MessageDelta(request.ActionId, request.ActionType, request.Round, decoded)).ConfigureAwait(false);
                }
            }
            return new ModelReply(text.ToString(), model, finish, usage, deltasSent);
        }
        var response = await chat.GetResponseAsync(messages, chatOptions, ct).ConfigureAwait(false);
        return new ModelReply(response.Text, response.ModelId, response.FinishReason?.Value, response.Usage, false);
    }

    private sealed record ModelReply(string Raw, string? Model, string? FinishReason, UsageDetails? Usage, bool DeltasSent);
}

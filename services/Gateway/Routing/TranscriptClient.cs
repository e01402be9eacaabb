using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Routing;

/// <summary>Reads the stored transcript from the Persistence service and shapes it into frames.</summary>
public sealed class TranscriptClient(HttpClient http)
{
    public async Task<IReadOnlyList<RoutedFrame>> ReadAsync(Guid sessionId, long afterSeq, long? upToSeq, CancellationToken ct)
    {
        var frames = new List<RoutedFrame>();
        while (true)
        {
            var page = await http.GetFromJsonAsync<List<StoredEvent>>($"/internal/sessions/{sessionId}/events?afterSeq={afterSeq}&limit=500", ct) ?? [];
            foreach (var e in page)
            {
                if (upToSeq is { } max && e.Seq > max) return frames;
                frames.Add(FrameFactory.FromStored(sessionId, e));
                afterSeq = e.Seq;
            }
            if (page.Count < 500) return frames;
        }
    }

    public async Task<string?> GetOwnerAsync(Guid sessionId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/internal/sessions/{sessionId}", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        var snapshot = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return snapshot.GetProperty("userId").GetString();
    }
}

public sealed record StoredEvent(
    long Seq, string Kind, Guid? MessageId, string? Role, string? Content, string? ActionId, JsonElement? Metadata,
    DateTimeOffset Timestamp, string? ExecutionStatus, JsonElement? Position, JsonElement? ChangedVariables, JsonElement? Error, JsonElement? Debug);

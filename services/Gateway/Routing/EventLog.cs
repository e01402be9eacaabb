using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure.Delivery;
using StackExchange.Redis;

namespace HeartRule.Gateway.Routing;

/// <summary>
/// The recent events of each session, for resume and gap repair: a Redis sorted set scored by seq (so writers
/// that race each other still leave it in order, and a repeated add changes nothing), bounded in length and
/// age, written by the service that delivers them (SessionEventDelivery). What it no longer holds comes from the
/// stored transcript.
/// </summary>
public sealed class EventLog(IConnectionMultiplexer redis, TranscriptClient transcript)
{
    /// <summary>Events with afterSeq &lt; seq ≤ upToSeq (or all that follow), in order.</summary>
    public async Task<IReadOnlyList<RoutedFrame>> ReadAsync(Guid sessionId, long afterSeq, long? upToSeq, CancellationToken ct)
    {
        var frames = new List<RoutedFrame>();
        await foreach (var page in ReadPagesAsync(sessionId, afterSeq, upToSeq, 500, ct)) frames.AddRange(page);
        return frames;
    }

    /// <summary>
    /// The same, a page at a time: a session of 10,000 messages resumed from the start is sent in pages, each read
    /// when the last has gone out, rather than read whole into memory and queued at once.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<RoutedFrame>> ReadPagesAsync(Guid sessionId, long afterSeq, long? upToSeq, int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var values = await redis.GetDatabase().SortedSetRangeByScoreAsync(DeliveryKeys.EventLog(sessionId), afterSeq, upToSeq ?? double.PositiveInfinity, Exclude.Start);
        var recent = values.Select(v => JsonSerializer.Deserialize<RoutedFrame>((string)v!, DeliveryKeys.Json)!).ToList();
        var firstRecent = recent.Count > 0 ? recent[0].Seq!.Value : (long?)null;
        if (firstRecent != afterSeq + 1)
        {
            // The log does not reach back far enough (trimmed, expired or lost): the rest comes from the database.
            await foreach (var page in transcript.ReadPagesAsync(sessionId, afterSeq, firstRecent is { } f ? f - 1 : upToSeq, pageSize, ct)) yield return page;
        }
        foreach (var page in recent.Chunk(pageSize)) yield return page;
    }
}

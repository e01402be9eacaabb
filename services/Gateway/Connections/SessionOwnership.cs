using HeartRule.Gateway.Routing;
using StackExchange.Redis;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// Who owns which session. The gateway that starts a session records its owner in Redis before anything
/// else happens to it; sessions older than that record are looked up in the database once and cached.
/// </summary>
public sealed class SessionOwnership(IConnectionMultiplexer redis, TranscriptClient transcript)
{
    private static RedisKey Key(Guid sessionId) => $"hr:owner:{sessionId}";

    public Task RecordAsync(Guid sessionId, string userId) => redis.GetDatabase().StringSetAsync(Key(sessionId), userId, when: When.NotExists);

    /// <summary>The owner's user id, or null when the session does not exist.</summary>
    public async Task<string?> GetOwnerAsync(Guid sessionId, CancellationToken ct)
    {
        var owner = await redis.GetDatabase().StringGetAsync(Key(sessionId));
        if (owner.HasValue) return owner;
        var stored = await transcript.GetOwnerAsync(sessionId, ct);
        if (stored is not null) await RecordAsync(sessionId, stored);
        return stored;
    }
}

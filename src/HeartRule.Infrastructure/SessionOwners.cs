using StackExchange.Redis;

namespace HeartRule.Infrastructure;

/// <summary>
/// The owner of each session, in Redis, recorded by whoever creates the session before anything else can
/// happen to it, so that an ownership check never has to wait for the database to catch up.
/// </summary>
public sealed class SessionOwners(IConnectionMultiplexer redis)
{
    /// <summary>
    /// An idle session's owner and input numbering leave Redis after this (the owner is read again from the database);
    /// a day longer than the session record (<c>Sessions:StateTtl</c>, 7 days) so the numbering never restarts under
    /// a record that still counts on it.
    /// </summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromDays(8);

    private static RedisKey Key(Guid sessionId) => $"hr:owner:{sessionId}";
    private static RedisKey InputSeqKey(Guid sessionId) => $"hr:inputseq:{sessionId}";
    private static RedisKey DebugKey(Guid sessionId) => $"hr:debug:{sessionId}";

    /// <summary>How long a debugger's attach keeps the session's LLM prompts and replies recorded.</summary>
    public static readonly TimeSpan DebugWindow = TimeSpan.FromHours(8);

    /// <summary>A socket attached with debug: the session's turns record the LLM's prompts and replies from now on.</summary>
    public Task MarkDebuggedAsync(Guid sessionId) => redis.GetDatabase().StringSetAsync(DebugKey(sessionId), 1, DebugWindow);

    public Task<bool> IsDebuggedAsync(Guid sessionId) => redis.GetDatabase().KeyExistsAsync(DebugKey(sessionId));

    /// <summary>The next number in the order inputs of the session are accepted, whichever gateway node accepts them.</summary>
    public Task<long> NextInputSeqAsync(Guid sessionId)
    {
        var db = redis.GetDatabase();
        var next = db.StringIncrementAsync(InputSeqKey(sessionId));
        // Pipelined after the INCR that creates the key, fire and forget: no round trip added to an input.
        _ = db.KeyExpireAsync(InputSeqKey(sessionId), Ttl, CommandFlags.FireAndForget);
        return next;
    }

    public Task RecordAsync(Guid sessionId, string userId) => redis.GetDatabase().StringSetAsync(Key(sessionId), userId, Ttl, when: When.NotExists);

    /// <summary>The recorded owner, or null when this store has none (an old session: ask the database).</summary>
    public async Task<string?> GetAsync(Guid sessionId)
    {
        var owner = await redis.GetDatabase().StringGetAsync(Key(sessionId));
        return owner.HasValue ? owner.ToString() : null;
    }
}

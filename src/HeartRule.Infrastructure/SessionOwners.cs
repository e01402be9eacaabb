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

    // The last input's number and clientMessageId ("seq id"): a retry of it gets the number it was given the first
    // time, so an input the broker never took (the client was told SERVICE_UNAVAILABLE) leaves no gap in the order
    // that the inputs after it would wait out.
    private static readonly LuaScript NumberInput = LuaScript.Prepare("""
        local last = redis.call('GET', @lastKey)
        if last then
            local space = string.find(last, ' ', 1, true)
            if string.sub(last, space + 1) == @id then return tonumber(string.sub(last, 1, space - 1)) end
        end
        local seq = redis.call('INCR', @seqKey)
        redis.call('EXPIRE', @seqKey, @ttl)
        redis.call('SET', @lastKey, seq .. ' ' .. @id, 'EX', @ttl)
        return seq
        """);

    /// <summary>
    /// The input's number in the order inputs of the session are accepted, whichever gateway node accepts them; the
    /// same number again when the session's last input is sent again (same <paramref name="clientMessageId"/>).
    /// </summary>
    public async Task<long> NextInputSeqAsync(Guid sessionId, string clientMessageId) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(NumberInput, new
        {
            seqKey = InputSeqKey(sessionId),
            lastKey = (RedisKey)$"hr:inputlast:{sessionId}",
            id = clientMessageId,
            ttl = (long)Ttl.TotalSeconds,
        });

    public Task RecordAsync(Guid sessionId, string userId) => redis.GetDatabase().StringSetAsync(Key(sessionId), userId, Ttl, when: When.NotExists);

    /// <summary>The recorded owner, or null when this store has none (an old session: ask the database).</summary>
    public async Task<string?> GetAsync(Guid sessionId)
    {
        var owner = await redis.GetDatabase().StringGetAsync(Key(sessionId));
        return owner.HasValue ? owner.ToString() : null;
    }
}

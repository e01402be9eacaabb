using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace HeartRule.Sessions;

/// <summary>Session records in Redis, written with a compare-and-set on the version so two writers never both win.</summary>
public sealed class SessionStateStore(IConnectionMultiplexer redis) : IDisposable
{
    /// <summary>
    /// A record not written for this long (an idle or ended session) leaves Redis; the next input reloads it from
    /// the database. Keeps Redis bounded by the sessions in use rather than every session ever held.
    /// </summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromDays(7);

    /// <summary>
    /// How much of the records it wrote this instance keeps parsed in memory (<see cref="GetAsync"/>), counted in
    /// characters of their JSON (in memory they take about twice that), and for how long unused.
    /// </summary>
    public const long CachedCharacters = 16 * 1024 * 1024;
    public static readonly TimeSpan CacheIdle = TimeSpan.FromMinutes(10);

    // Relaxed escaping: the engine state inside the record is a JSON string, and the default encoder would write
    // each of its quotes as \u0022. The record is only ever read back as JSON.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Writes only when the stored version is the one the writer read (0 = no record yet). Every write gets a new
    // etag, so a reader holding a record can ask whether it is still the stored one.
    private static readonly LuaScript CompareAndSet = LuaScript.Prepare("""
        local current = redis.call('HGET', @key, 'version')
        if (current == false and @expected == '0') or current == @expected then
            redis.call('HSET', @key, 'version', @version, 'record', @record, 'etag', @etag)
            redis.call('PEXPIRE', @key, @ttl)
            return 1
        end
        return 0
        """);

    // The stored record, or 1 when it is still the one written with @etag (then nothing is sent or parsed).
    private static readonly LuaScript ReadUnlessCurrent = LuaScript.Prepare("""
        if redis.call('HGET', @key, 'etag') == @etag then return 1 end
        return redis.call('HGET', @key, 'record')
        """);

    // Most turns of a session run on the instance that ran its last one (its inputs arrive on one partitioned
    // queue), so the record it wrote is usually still the stored one. Reading and parsing it again from Redis was
    // ~15% of this service's CPU per turn (docs/benchmarks.md, "Turn cost").
    private readonly MemoryCache _written = new(new MemoryCacheOptions { SizeLimit = CachedCharacters });

    private static RedisKey Key(Guid sessionId) => $"hr:session:{sessionId}";

    public async Task<SessionRecord?> GetAsync(Guid sessionId)
    {
        if (_written.TryGetValue(sessionId, out Written? written))
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(ReadUnlessCurrent, new { key = Key(sessionId), etag = written!.Etag });
            if (result.Resp2Type == ResultType.Integer) return written.Record;
            _written.Remove(sessionId);
            return result.IsNull ? null : Parse((string)result!);
        }
        var value = await redis.GetDatabase().HashGetAsync(Key(sessionId), "record");
        return value.IsNullOrEmpty ? null : Parse((string)value!);
    }

    /// <summary>Stores <paramref name="record"/> if the stored version is still <paramref name="expectedVersion"/>.</summary>
    public async Task<bool> TrySaveAsync(SessionRecord record, long expectedVersion)
    {
        var etag = Guid.NewGuid().ToString("N");
        var json = JsonSerializer.Serialize(record, Json);
        var result = await redis.GetDatabase().ScriptEvaluateAsync(CompareAndSet, new
        {
            key = Key(record.SessionId),
            expected = expectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            version = record.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            record = json,
            etag,
            ttl = (long)Ttl.TotalMilliseconds,
        });
        if ((int)result != 1)
        {
            _written.Remove(record.SessionId);
            return false;
        }
        _written.Set(record.SessionId, new Written(etag, record), new MemoryCacheEntryOptions { Size = json.Length, SlidingExpiration = CacheIdle });
        return true;
    }

    public void Dispose() => _written.Dispose();

    private static SessionRecord? Parse(string json) => JsonSerializer.Deserialize<SessionRecord>(json, Json);

    private sealed record Written(string Etag, SessionRecord Record);
}

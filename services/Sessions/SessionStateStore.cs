using System.Text.Json;
using StackExchange.Redis;

namespace HeartRule.Sessions;

/// <summary>Session records in Redis, written with a compare-and-set on the version so two writers never both win.</summary>
public sealed class SessionStateStore(IConnectionMultiplexer redis)
{
    /// <summary>
    /// A record not written for this long (an idle or ended session) leaves Redis; the next input reloads it from
    /// the database. Keeps Redis bounded by the sessions in use rather than every session ever held.
    /// </summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromDays(7);

    // Relaxed escaping: the engine state inside the record is a JSON string, and the default encoder would write
    // each of its quotes as \u0022. The record is only ever read back as JSON.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Writes only when the stored version is the one the writer read (0 = no record yet).
    private static readonly LuaScript CompareAndSet = LuaScript.Prepare("""
        local current = redis.call('HGET', @key, 'version')
        if (current == false and @expected == '0') or current == @expected then
            redis.call('HSET', @key, 'version', @version, 'record', @record)
            redis.call('PEXPIRE', @key, @ttl)
            return 1
        end
        return 0
        """);

    private static RedisKey Key(Guid sessionId) => $"hr:session:{sessionId}";

    public async Task<SessionRecord?> GetAsync(Guid sessionId)
    {
        var value = await redis.GetDatabase().HashGetAsync(Key(sessionId), "record");
        // Read and written as UTF-8 bytes, as Redis holds them: through a string, every turn transcoded ~10 KB twice.
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<SessionRecord>((byte[])value!, Json);
    }

    /// <summary>Stores <paramref name="record"/> if the stored version is still <paramref name="expectedVersion"/>.</summary>
    public async Task<bool> TrySaveAsync(SessionRecord record, long expectedVersion)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(CompareAndSet, new
        {
            key = Key(record.SessionId),
            expected = expectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            version = record.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            record = JsonSerializer.SerializeToUtf8Bytes(record, Json),
            ttl = (long)Ttl.TotalMilliseconds,
        });
        return (int)result == 1;
    }
}

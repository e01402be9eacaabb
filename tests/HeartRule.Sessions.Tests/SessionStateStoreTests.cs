using StackExchange.Redis;

namespace HeartRule.Sessions.Tests;

public class SessionStateStoreTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static SessionRecord Record(Guid id, long version, string state) => new()
    {
        SessionId = id, UserId = "u1", ScriptId = "intake", ScriptVersion = 1, Status = "active", ExecutionStatus = "waiting_input",
        StateJson = state, Version = version, LastSeq = version * 2, Turn = (int)version,
    };

    [Fact]
    public async Task A_record_another_instance_wrote_after_this_one_is_what_this_one_reads()
    {
        var mine = new SessionStateStore(redis.Connection);
        var other = new SessionStateStore(redis.Connection);
        var id = Guid.NewGuid();

        Assert.True(await mine.TrySaveAsync(Record(id, 1, "{\"turn\":1}"), 0));
        Assert.Equal("{\"turn\":1}", (await mine.GetAsync(id))!.StateJson);

        var theirs = (await other.GetAsync(id))!;
        Assert.True(await other.TrySaveAsync(theirs with { Version = 2, StateJson = "{\"turn\":2}" }, 1));
        Assert.Equal(("{\"turn\":2}", 2L), ((await mine.GetAsync(id))!.StateJson, (await mine.GetAsync(id))!.Version));

        // The version moved under it: its write is refused, and it reads the stored record afterwards.
        Assert.False(await mine.TrySaveAsync(Record(id, 2, "{\"stale\":true}"), 1));
        Assert.Equal("{\"turn\":2}", (await mine.GetAsync(id))!.StateJson);
    }

    [Fact]
    public async Task A_record_lost_from_redis_is_read_as_lost_and_a_restored_one_takes_its_place()
    {
        var store = new SessionStateStore(redis.Connection);
        var id = Guid.NewGuid();
        Assert.True(await store.TrySaveAsync(Record(id, 1, "{}"), 0));
        Assert.NotNull(await store.GetAsync(id));

        await redis.Connection.GetDatabase().KeyDeleteAsync($"hr:session:{id}");
        Assert.Null(await store.GetAsync(id));

        // Restored at the same version (as a reload from the database does): the new write is what is read.
        Assert.True(await store.TrySaveAsync(Record(id, 1, "{\"restored\":true}"), 0));
        Assert.Equal("{\"restored\":true}", (await store.GetAsync(id))!.StateJson);
    }

    [Fact]
    public async Task A_record_is_written_with_an_expiry_and_its_version_beside_it()
    {
        var store = new SessionStateStore(redis.Connection);
        var id = Guid.NewGuid();
        Assert.True(await store.TrySaveAsync(Record(id, 3, "{}"), 0));
        var db = redis.Connection.GetDatabase();
        Assert.Equal("3", (string?)await db.HashGetAsync($"hr:session:{id}", "version"));
        var ttl = await db.KeyTimeToLiveAsync($"hr:session:{id}");
        Assert.InRange(ttl!.Value, SessionStateStore.Ttl - TimeSpan.FromMinutes(1), SessionStateStore.Ttl);
    }
}

using System.Globalization;
using HeartRule.Protocol;
using Npgsql;
using StackExchange.Redis;

namespace HeartRule.IntegrationTests;

/// <summary>Resuming a long session from its start: every event once, in order, on a socket that stays open.</summary>
[Collection(SystemCollection.Name)]
public sealed class ReplayTests(SystemFixture system)
{
    private const int StoredMessages = 10_000;

    [Fact]
    public async Task A_session_of_10000_messages_attached_from_the_start_is_replayed_whole_and_in_order()
    {
        await using var first = await system.ConnectAsync("replay-long");
        var (sessionId, opening) = await first.StartAsync("intake");
        var lastSeq = opening.Completed.Seq + StoredMessages;
        await system.WaitUntilStoredAsync(sessionId, turns: 1);
        await using (var db = new NpgsqlConnection(await system.ConnectionStringAsync("heartrule")))
        {
            await db.OpenAsync();
            // A long conversation, as the database would hold it after months: far more than the event log keeps.
            await using var insert = new NpgsqlCommand("""
                INSERT INTO messages (id, session_id, seq, role, content, created_at)
                SELECT gen_random_uuid(), @id, @after + n, CASE WHEN n % 2 = 0 THEN 'user' ELSE 'assistant' END, 'Line ' || n, now()
                FROM generate_series(1, @count) AS n;
                UPDATE sessions SET last_seq = @after + @count WHERE id = @id;
                """, db);
            insert.Parameters.AddWithValue("id", sessionId);
            insert.Parameters.AddWithValue("after", opening.Completed.Seq);
            insert.Parameters.AddWithValue("count", StoredMessages);
            await insert.ExecuteNonQueryAsync();
        }
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(await system.ConnectionStringAsync("redis")))
        {
            // The recent events are gone from Redis too: the whole replay comes from the database.
            await redis.GetDatabase().KeyDeleteAsync($"hr:events:{sessionId}");
        }

        var gateway = system.Instances.ProcessId("gateway", 0);
        var rssBefore = ResidentKiB(gateway);
        var rssPeak = rssBefore;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                rssPeak = Math.Max(rssPeak, ResidentKiB(gateway));
                await Task.Delay(20);
            }
        });

        await using var resumed = await system.ConnectAsync("replay-long");
        await resumed.SendAsync(new SessionAttachFrame { RequestId = "a1", SessionId = sessionId, LastSeq = 0 });
        await resumed.WaitForAsync<SessionAttachedFrame>(f => f.RequestId == "a1");
        var seqs = new List<long>();
        while (seqs.Count == 0 || seqs[^1] < lastSeq)
        {
            switch (await resumed.NextAsync(TimeSpan.FromSeconds(30)))
            {
                case MessageFrame m: seqs.Add(m.Seq); break;
                case TurnCompletedFrame t: seqs.Add(t.Seq); break;
                case ErrorFrame e: Assert.Fail($"error {e.Code}: {e.Message}"); break;
            }
        }
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(Enumerable.Range(1, (int)lastSeq).Select(i => (long)i), seqs);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, resumed.State);
        // Not a target (benchmarks are where targets live), a record of what the replay cost, beside the test assembly.
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "replay-memory.txt"), string.Create(CultureInfo.InvariantCulture,
            $"gateway RSS before {rssBefore / 1024.0:F1} MiB, peak during the replay of {lastSeq} events {rssPeak / 1024.0:F1} MiB\n"));
    }

    private static long ResidentKiB(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

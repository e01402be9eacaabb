using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;

namespace HeartRule.Client.Tests;

public sealed class BackoffTests
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(3);

    /// <summary>The waits a pipeline makes before each retry of something that fails <paramref name="failures"/> times, on a fake clock.</summary>
    private static async Task<List<TimeSpan>> WaitsAsync(int failures)
    {
        var time = new FakeTimeProvider();
        var options = new HeartRuleConnectionOptions
        {
            Gateways = [new Uri("ws://127.0.0.1:1/ws")], AccessToken = _ => Task.FromResult(""),
            RetryDelay = First, MaxRetryDelay = Cap, TimeProvider = time,
        };
        var waits = new List<TimeSpan>();
        var pipeline = Backoff.Create(options, failures, _ => true, args =>
        {
            lock (waits) waits.Add(args.RetryDelay);
            return default;
        });
        var attempts = 0;
        var run = pipeline.ExecuteAsync(_ => ++attempts <= failures ? throw new WebSocketException() : ValueTask.CompletedTask).AsTask();
        for (var step = 0; !run.IsCompleted && step < 10_000; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Yield();
        }
        await run;
        Assert.Equal(failures + 1, attempts);
        return waits;
    }

    [Fact]
    public async Task Waits_grow_exponentially_up_to_the_cap()
    {
        var waits = await WaitsAsync(12);

        Assert.Equal(12, waits.Count);
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromTicks(1), Cap));
        // Jittered around First × 2^n: the early waits are short, the late ones at or near the cap.
        Assert.True(waits.Take(2).Max() < TimeSpan.FromSeconds(1), string.Join(", ", waits));
        Assert.True(waits.TakeLast(4).Min() > Cap / 4, string.Join(", ", waits));
    }

    [Fact]
    public async Task Waits_are_jittered_so_that_clients_do_not_come_back_together()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WaitsAsync(6)));

        Assert.True(runs.Select(r => string.Join(",", r)).Distinct().Count() > 1);
    }

    [Fact]
    public async Task A_failure_that_is_not_retryable_is_not_retried()
    {
        var options = new HeartRuleConnectionOptions { Gateways = [new Uri("ws://127.0.0.1:1/ws")], AccessToken = _ => Task.FromResult("") };
        var attempts = 0;
        var pipeline = Backoff.Create(options, 5, ex => ex is WebSocketException);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await pipeline.ExecuteAsync(_ => { attempts++; throw new InvalidOperationException(); }));
        Assert.Equal(1, attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, true)]
    [InlineData(HttpStatusCode.Forbidden, true)]
    [InlineData(HttpStatusCode.BadRequest, true)]
    [InlineData(HttpStatusCode.TooManyRequests, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, false)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    public void A_refused_handshake_is_retried_unless_the_request_itself_is_refused(HttpStatusCode status, bool forGood)
    {
        var refused = new WebSocketException(WebSocketError.NotAWebSocket, "refused", new HttpRequestException("refused", null, status));

        Assert.Equal(forGood, HeartRuleConnection.RefusedForGood(refused));
    }

    [Fact]
    public void A_network_error_is_retried()
    {
        Assert.False(HeartRuleConnection.RefusedForGood(new WebSocketException(WebSocketError.ConnectionClosedPrematurely)));
        Assert.False(HeartRuleConnection.RefusedForGood(new HttpRequestException("connection refused")));
    }
}

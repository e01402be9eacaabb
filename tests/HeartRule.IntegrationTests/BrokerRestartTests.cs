using System.Diagnostics;
using HeartRule.Protocol;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HeartRule.IntegrationTests;

/// <summary>RabbitMQ stopped and started again under a live conversation: refused at once while it is down, a normal turn once it is back.</summary>
[Collection(SystemCollection.Name)]
public sealed class BrokerRestartTests(SystemFixture system)
{
    [Fact]
    public async Task While_the_broker_is_down_an_input_is_refused_as_retryable_and_its_retry_is_a_normal_turn_once_it_is_back()
    {
        await using var client = await system.ConnectAsync("broker-restart");
        var (sessionId, first) = await client.StartAsync("intake");
        var input = new InputFrame { RequestId = "i1", SessionId = sessionId, ClientMessageId = "b1", Text = "Alex" };

        await system.Instances.StopAsync("messaging");
        try
        {
            var sent = Stopwatch.StartNew();
            await client.SendAsync(input);
            var answer = await client.WaitForAsync<Frame>(f => f is AckFrame or ErrorFrame { RequestId: "i1" }, TimeSpan.FromSeconds(30));
            // No ack for what the broker does not hold, and no silence: a retryable refusal within the accept timeout.
            var refused = Assert.IsType<ErrorFrame>(answer);
            Assert.Equal(("SERVICE_UNAVAILABLE", true), (refused.Code, refused.Retryable));
            Assert.InRange(sent.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        }
        finally
        {
            await system.Instances.StartAsync("messaging");
        }

        // The client sends the same input again until it is taken; the services reconnect to the broker meanwhile.
        var back = Stopwatch.StartNew();
        for (var attempt = 2; ; attempt++)
        {
            var requestId = $"i{attempt}";
            await client.SendAsync(input with { RequestId = requestId });
            var answer = await client.WaitForAsync<Frame>(f => f is AckFrame { RequestId: var a } && a == requestId || f is ErrorFrame { RequestId: var e } && e == requestId,
                TimeSpan.FromSeconds(30));
            if (answer is AckFrame) break;
            Assert.Equal("SERVICE_UNAVAILABLE", ((ErrorFrame)answer).Code);
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(60), "The broker was healthy again, but inputs were still refused after a minute.");
        }
        var turn = await client.ReadTurnAsync(TimeSpan.FromSeconds(60));

        // A normal turn, once, right after the turn before the restart: nothing lost, nothing doubled.
        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], turn.AiTexts);
        Assert.Equal(first.Completed.Seq + 1, turn.Messages[0].Seq);
        Assert.Null(turn.Completed.Error);
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(30), $"The first accepted input after the restart took {back.Elapsed} to be answered.");
    }

    /// <summary>
    /// The queue earlier releases routed every turn through, left on a broker upgraded in place: nothing reads it now,
    /// and bound to the turn's exchange it would collect every turn, so a gateway deletes it on start.
    /// </summary>
    [Fact]
    public async Task A_gateway_deletes_the_retired_router_queue_left_by_an_earlier_release()
    {
        var factory = new ConnectionFactory { Uri = new Uri(await system.ConnectionStringAsync("messaging")) };
        await using var connection = await factory.CreateConnectionAsync();
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("gateway-router", durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync("", "gateway-router", "{}"u8.ToArray());
        }

        await system.Instances.StopAsync("gateway", 1);
        await system.Instances.StartAsync("gateway", 1);
        await system.Instances.WaitUntilAsync(() => system.Instances.Logs("gateway", 1).Any(l => l.Contains("Deleted the retired queue gateway-router", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the restarted gateway to delete the retired queue");

        await using var check = await connection.CreateChannelAsync();
        var gone = await Assert.ThrowsAsync<OperationInterruptedException>(() => check.QueueDeclarePassiveAsync("gateway-router"));
        Assert.Equal((ushort)404, gone.ShutdownReason?.ReplyCode);
    }
}

using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>Two gateway nodes, two Sessions instances: devices on different nodes, crashes, retries and bursts.</summary>
[Collection(SystemCollection.Name)]
public sealed class MultiNodeTests(SystemFixture system)
{
    [Fact]
    public async Task Two_devices_on_different_nodes_both_receive_every_event()
    {
        await using var phone = await system.ConnectAsync("mn-devices", node: 0);
        var (sessionId, first) = await phone.StartAsync("intake");

        await using var laptop = await system.ConnectAsync("mn-devices", node: 1);
        await laptop.SendAsync(new SessionAttachFrame { RequestId = "a1", SessionId = sessionId, LastSeq = 0 });
        await laptop.WaitForAsync<SessionAttachedFrame>(f => f.RequestId == "a1");
        var replayed = await laptop.ReadTurnAsync();
        Assert.Equal(first.Messages.Select(m => m.MessageId), replayed.Messages.Select(m => m.MessageId));

        // Typed on the laptop, seen on both.
        await laptop.SendAsync(new InputFrame { RequestId = "i1", SessionId = sessionId, ClientMessageId = "c1", Text = "Alex" });
        var onLaptop = await laptop.ReadTurnAsync();
        var onPhone = await phone.ReadTurnAsync();
        Assert.Equal([4L, 5L], onLaptop.Messages.Select(m => m.Seq));
        Assert.Equal(onLaptop.Messages.Select(m => (m.Seq, m.MessageId, m.Content)), onPhone.Messages.Select(m => (m.Seq, m.MessageId, m.Content)));
        Assert.Equal(6, onPhone.Completed.Seq);
    }

    [Fact]
    public async Task A_killed_gateway_node_is_survived_by_resuming_on_the_other_with_no_gap_or_duplicate()
    {
        var seen = new List<long>();
        var doomed = await system.ConnectAsync("mn-kill", node: 0);
        var (sessionId, first) = await doomed.StartAsync("intake");
        seen.AddRange(first.Messages.Select(m => m.Seq).Append(first.Completed.Seq));

        await doomed.SendAsync(new InputFrame { RequestId = "i1", SessionId = sessionId, ClientMessageId = "k1", Text = "Alex" });
        await doomed.WaitForAsync<AckFrame>(a => a.ClientMessageId == "k1");
        var killedAt = system.Instances.Kill("gateway", 0);
        // Whatever reached the doomed socket before it died counts as seen.
        try
        {
            while (true)
            {
                switch (await doomed.NextAsync(TimeSpan.FromSeconds(5)))
                {
                    case MessageFrame m: seen.Add(m.Seq); break;
                    case TurnCompletedFrame t: seen.Add(t.Seq); break;
                }
            }
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or TimeoutException)
        {
        }
        await doomed.DisposeAsync();

        await using var survivor = await system.ConnectAsync("mn-kill", node: 1);
        await survivor.SendAsync(new SessionAttachFrame { RequestId = "a1", SessionId = sessionId, LastSeq = seen.Max() });
        await survivor.WaitForAsync<SessionAttachedFrame>();
        if (seen.Max() < 6)
        {
            var rest = await survivor.ReadTurnAsync();
            seen.AddRange(rest.Messages.Select(m => m.Seq).Append(rest.Completed.Seq));
        }
        var last = await survivor.SayAsync(sessionId, "trouble sleeping");
        seen.AddRange(last.Messages.Select(m => m.Seq).Append(last.Completed.Seq));

        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), seen);
        Assert.Equal("completed", last.Completed.ExecutionStatus);
        await system.Instances.WaitForHealthyAsync("gateway", 0, startedAfter: killedAt);
    }

    [Fact]
    public async Task A_sessions_instance_killed_mid_turn_does_not_lose_the_input()
    {
        await using var client = await system.ConnectAsync("mn-sessions-crash");
        var (sessionId, _) = await client.StartAsync("intake");

        var clientMessageId = Guid.NewGuid().ToString("N");
        await client.SendAsync(new InputFrame { RequestId = "i1", SessionId = sessionId, ClientMessageId = clientMessageId, Text = "Alex" });
        await client.WaitForAsync<AckFrame>();
        // The turn is now inside one Sessions instance, waiting on the (slow) model: kill exactly that one.
        var replica = await WhichReplicaLogsAsync("sessions", $"Processing input {clientMessageId}");
        var killedAt = system.Instances.Kill("sessions", replica);

        var turn = await client.ReadTurnAsync(TimeSpan.FromSeconds(60));
        Assert.Equal([4L, 5L], turn.Messages.Select(m => m.Seq));
        Assert.Equal("Alex", turn.Messages[0].Content);
        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], turn.AiTexts);
        await system.Instances.WaitForHealthyAsync("sessions", replica, startedAfter: killedAt);
    }

    [Fact]
    public async Task A_script_engine_killed_mid_turn_does_not_lose_the_input()
    {
        await using var client = await system.ConnectAsync("mn-engine-crash");
        var (sessionId, _) = await client.StartAsync("intake");

        await client.SendAsync(new InputFrame { RequestId = "i1", SessionId = sessionId, ClientMessageId = "e1", Text = "Alex" });
        await client.WaitForAsync<AckFrame>();
        var killedAt = system.Instances.Kill("scriptengine");

        var turn = await client.ReadTurnAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], turn.AiTexts);
        Assert.Equal(6, turn.Completed.Seq);
        await system.Instances.WaitForHealthyAsync("scriptengine", startedAfter: killedAt);
    }

    [Fact]
    public async Task The_same_clientMessageId_twice_is_acked_twice_and_processed_once()
    {
        await using var client = await system.ConnectAsync("mn-dup");
        var (sessionId, _) = await client.StartAsync("intake");
        var input = new InputFrame { RequestId = "i1", SessionId = sessionId, ClientMessageId = "same", Text = "Alex" };
        await client.SendAsync(input);
        await client.SendAsync(input with { RequestId = "i2" });

        var acks = new List<string>();
        var turn = default(Turn);
        var messages = new List<MessageFrame>();
        while (turn is null || acks.Count < 2)
        {
            switch (await client.NextAsync())
            {
                case AckFrame a: acks.Add(a.RequestId); break;
                case MessageFrame m: messages.Add(m); break;
                case TurnCompletedFrame t: turn = new Turn(messages, t); break;
            }
        }
        Assert.Equal(["i1", "i2"], acks.Order());
        Assert.Single(turn.Messages, m => m.Role == "user");

        // Nothing else follows: the second copy ran no turn. The next real input continues at seq 7.
        var next = await client.SayAsync(sessionId, "trouble sleeping");
        Assert.Equal(7, next.Messages[0].Seq);
    }

    [Fact]
    public async Task A_burst_of_inputs_is_processed_in_the_order_sent()
    {
        await using var client = await system.ConnectAsync("mn-burst");
        var (sessionId, _) = await client.StartAsync("intake");
        string[] texts = ["Alex", "trouble sleeping", "one more thing"];
        foreach (var (text, i) in texts.Select((t, i) => (t, i)))
            await client.SendAsync(new InputFrame { RequestId = $"b{i}", SessionId = sessionId, ClientMessageId = $"burst-{i}", Text = text });

        var echoes = new List<string>();
        ErrorFrame? rejected = null;
        var ended = false;
        // Error frames are outside the session sequence, so the rejection may overtake the last turn's frames.
        while (rejected is null || !ended)
        {
            switch (await client.NextAsync())
            {
                case MessageFrame { Role: "user" } m: echoes.Add(m.Content); break;
                case TurnCompletedFrame { ExecutionStatus: "completed" }: ended = true; break;
                case ErrorFrame e: rejected = e; break;
            }
        }
        Assert.Equal(["Alex", "trouble sleeping"], echoes);
        // The script had ended when the third input's turn came: that is how it knows the order held.
        Assert.Equal(("SESSION_COMPLETED", "b2"), (rejected.Code, rejected.RequestId));
    }

    private async Task<int> WhichReplicaLogsAsync(string resource, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            for (var replica = 0; replica < 2; replica++)
            {
                if (system.Instances.Logs(resource, replica).Any(l => l.Contains(text, StringComparison.Ordinal))) return replica;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"No replica of {resource} logged \"{text}\".");
    }
}

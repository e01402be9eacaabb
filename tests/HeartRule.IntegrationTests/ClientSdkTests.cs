using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>
/// The .NET SDK (<see cref="HeartRuleConnection"/>) against the real gateway nodes, with the network between them
/// failing on cue (<see cref="TcpRelay"/>): the conversation goes on over whatever sockets it takes, every message
/// once and in order, every input processed once.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ClientSdkTests(SystemFixture system)
{
    /// <summary>The user's connection over the gateways, its events recorded, with an intake session past its first turn.</summary>
    private async Task<Started> StartedAsync(string userId, params Uri[] gateways)
    {
        var connection = await HeartRuleConnection.ConnectAsync(new HeartRuleConnectionOptions
        {
            Gateways = gateways,
            AccessToken = _ => system.TokenAsync(userId),
            KeepAliveInterval = SystemFixture.IdleTimeout / 4,
            // Short, so that a silent socket is given up within the test; still longer than a turn of the offline model.
            ReplyTimeout = TimeSpan.FromSeconds(3),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
        });
        var events = new EventRecorder(connection);
        var sessionId = await connection.StartAsync("intake");
        await events.WaitForAsync<TurnEnded>(t => t.Turn.Seq == 3);
        return new Started(connection, events, sessionId);
    }

    private sealed record Started(HeartRuleConnection Connection, EventRecorder Events, Guid SessionId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }

    [Fact]
    public async Task A_socket_dropped_mid_turn_resumes_on_the_other_node_with_every_message_once_and_in_order()
    {
        await using var relay = new TcpRelay(system.GatewayHttp(0));
        await using var started = await StartedAsync("sdk-drop", relay.WebSocketUri, system.GatewayWs(1));
        var (connection, events, sessionId) = started;

        var mark = events.Count;
        var sending = connection.SendAsync(sessionId, "Alex");
        // The input is echoed: the turn is under way, its answer still being written by the (slow) model. Drop the network.
        await events.WaitForAsync<MessageReceived>(m => m.Message.Role == "user", after: mark);
        relay.Cut();

        var resumed = await events.WaitForAsync<Connected>(c => c.Resumed, after: mark);
        Assert.Equal(system.GatewayWs(1), resumed.Gateway);
        await sending;
        await events.WaitForAsync<TurnEnded>(t => t.Turn.Seq == 6);
        await connection.SendAsync(sessionId, "trouble sleeping");
        var last = await events.WaitForAsync<TurnEnded>(t => t.Turn.Seq == 9);
        Assert.Equal("completed", last.Turn.ExecutionStatus);

        Assert.Single(events.All<Disconnected>());
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), Sequenced(events, sessionId));
        var messages = events.All<MessageReceived>().Select(m => m.Message).ToList();
        Assert.Equal(["Alex", "trouble sleeping"], messages.Where(m => m.Role == "user").Select(m => m.Content));
        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], messages.Where(m => m.Seq == 5).Select(m => m.Content));
        await system.WaitUntilStoredAsync(sessionId, 3);
        Assert.Equal(await StoredAsync("sdk-drop", sessionId), messages.Select(m => (m.Seq, m.Role, m.Content)));
        // The welcome was streamed: shown as it was written, then replaced by the message itself.
        var welcome = messages[0];
        var previews = events.All<MessagePreview>().Where(p => p.MessageId == welcome.MessageId).ToList();
        Assert.NotEmpty(previews);
        Assert.All(previews, p => Assert.StartsWith(p.Text, welcome.Content));
        Assert.True(IndexOf(events, previews[^1]) < IndexOf(events, events.All<MessageReceived>()[0]));
    }

    [Fact]
    public async Task An_input_given_while_disconnected_is_delivered_once_after_the_reconnect()
    {
        await using var relay0 = new TcpRelay(system.GatewayHttp(0));
        await using var relay1 = new TcpRelay(system.GatewayHttp(1));
        await using var started = await StartedAsync("sdk-offline", relay0.WebSocketUri, relay1.WebSocketUri);
        var (connection, events, sessionId) = started;

        // Both nodes out of reach: the socket is lost, and reconnecting fails.
        var mark = events.Count;
        relay1.Refuse();
        relay0.Refuse();
        await events.WaitForAsync<Disconnected>(after: mark);
        var sending = connection.SendAsync(sessionId, "Alex");
        await events.WaitForAsync<Reconnecting>(after: events.Count);
        Assert.False(sending.IsCompleted);
        Assert.Null(connection.Gateway);

        relay1.Accept();
        var clientMessageId = await sending.WaitAsync(TimeSpan.FromSeconds(60));
        var turn = await events.WaitForAsync<TurnEnded>(t => t.Turn.Seq == 6);
        Assert.Equal("waiting_input", turn.Turn.ExecutionStatus);

        Assert.Equal(relay1.WebSocketUri, (await events.WaitForAsync<Connected>(c => c.Resumed, after: mark)).Gateway);
        Assert.Equal([clientMessageId], events.All<InputAcknowledged>().Select(a => a.ClientMessageId));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), Sequenced(events, sessionId));
        await system.WaitUntilStoredAsync(sessionId, 2);
        Assert.Single(await StoredAsync("sdk-offline", sessionId), m => m.Role == "user");
    }

    [Fact]
    public async Task An_input_whose_ack_is_lost_is_sent_again_on_the_other_node_and_processed_once()
    {
        await using var relay = new TcpRelay(system.GatewayHttp(0));
        await using var started = await StartedAsync("sdk-lost-ack", relay.WebSocketUri, system.GatewayWs(1));
        var (connection, events, sessionId) = started;

        // The input reaches node 0, which accepts and answers it; neither the ack nor the turn gets back.
        relay.StallReplies();
        var mark = events.Count;
        var clientMessageId = await connection.SendAsync(sessionId, "Alex").WaitAsync(TimeSpan.FromSeconds(60));

        var disconnected = await events.WaitForAsync<Disconnected>(after: mark);
        Assert.Equal(relay.WebSocketUri, disconnected.Gateway);
        Assert.Equal(system.GatewayWs(1), (await events.WaitForAsync<Connected>(c => c.Resumed, after: mark)).Gateway);
        await events.WaitForAsync<TurnEnded>(t => t.Turn.Seq == 6);
        await connection.SendAsync(sessionId, "trouble sleeping");
        await events.WaitForAsync<TurnEnded>(t => t.Turn.Seq == 9);

        Assert.Equal([clientMessageId], events.All<InputAcknowledged>().Where(a => a.ClientMessageId == clientMessageId).Select(a => a.ClientMessageId));
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), Sequenced(events, sessionId));
        await system.WaitUntilStoredAsync(sessionId, 3);
        Assert.Equal(["Alex", "trouble sleeping"], (await StoredAsync("sdk-lost-ack", sessionId)).Where(m => m.Role == "user").Select(m => m.Content));
    }

    [Fact]
    public async Task The_token_is_refreshed_before_it_expires_and_the_socket_stays()
    {
        var issued = 0;
        var shortLife = TimeSpan.FromSeconds(7);
        var firstToken = TestTokens.Issue("sdk-refresh", lifetime: shortLife);
        var options = new HeartRuleConnectionOptions
        {
            Gateways = [system.GatewayWs(0)],
            // The socket opens with a token about to expire; the one asked for when the gateway warns lasts.
            AccessToken = _ => Task.FromResult(Interlocked.Increment(ref issued) == 1 ? firstToken : TestTokens.Issue("sdk-refresh", lifetime: TimeSpan.FromHours(1))),
            KeepAliveInterval = SystemFixture.IdleTimeout / 4,
        };
        await using var connection = await HeartRuleConnection.ConnectAsync(options);
        var events = new EventRecorder(connection);
        // The same token on a plain socket, which does not refresh: its close is the moment the first token is dead.
        await using var witness = await HeartRuleClient.ConnectAsync(system.GatewayWs(0), firstToken, keepAlive: SystemFixture.IdleTimeout / 4);

        var refreshed = await events.WaitForAsync<TokenRefreshed>();
        Assert.True(refreshed.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(50));
        await foreach (var _ in witness.Frames.ReadAllAsync())
        {
        }
        Assert.Equal((WebSocketCloseStatus)4001, witness.CloseStatus);

        var sessionId = await connection.StartAsync("intake");
        await events.WaitForAsync<TurnEnded>(t => t.Turn.SessionId == sessionId && t.Turn.Seq == 3);
        Assert.Empty(events.All<Disconnected>());
        Assert.Equal(2, issued);
    }

    [Fact]
    public async Task Disposing_cancels_the_inputs_not_yet_acknowledged_and_ends_the_events()
    {
        await using var relay = new TcpRelay(system.GatewayHttp(0));
        var started = await StartedAsync("sdk-dispose", relay.WebSocketUri);
        var (connection, events, sessionId) = started;
        relay.Refuse();
        await events.WaitForAsync<Disconnected>();
        var sending = connection.SendAsync(sessionId, "Alex");

        await connection.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        var ended = await Assert.ThrowsAsync<InvalidOperationException>(() => events.WaitForAsync<Connected>(c => c.Resumed));
        Assert.Equal("The connection was disposed.", ended.InnerException!.Message);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.SendAsync(sessionId, "trouble sleeping"));
    }

    [Fact]
    public async Task A_connection_follows_at_most_MaxSessions_and_a_detach_makes_room()
    {
        await using var connection = await HeartRuleConnection.ConnectAsync(new HeartRuleConnectionOptions
        {
            Gateways = [system.GatewayWs(0)], AccessToken = _ => system.TokenAsync("sdk-limit"), MaxSessions = 1,
        });
        var events = new EventRecorder(connection);
        var first = await connection.StartAsync("intake");

        await Assert.ThrowsAsync<InvalidOperationException>(() => connection.StartAsync("intake"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => connection.AttachAsync(Guid.NewGuid()));
        await connection.DetachAsync(first);
        var second = await connection.StartAsync("intake");

        Assert.Equal([second], connection.Sessions);
        Assert.Equal(3, (await events.WaitForAsync<TurnEnded>(t => t.SessionId == second)).Turn.Seq);
    }

    [Fact]
    public async Task A_start_on_an_unknown_script_throws_its_code_and_leaves_no_session_followed()
    {
        await using var connection = await HeartRuleConnection.ConnectAsync(new HeartRuleConnectionOptions
        {
            Gateways = [system.GatewayWs(1)], AccessToken = _ => system.TokenAsync("sdk-unknown-script"),
        });
        _ = new EventRecorder(connection);

        var refused = await Assert.ThrowsAsync<HeartRuleException>(() => connection.StartAsync("no-such-script"));
        Assert.Equal("SCRIPT_NOT_FOUND", refused.Code);
        Assert.Empty(connection.Sessions);
    }

    [Fact]
    public async Task A_token_the_gateway_refuses_fails_the_connect_at_once_without_retrying()
    {
        var asked = 0;
        var options = new HeartRuleConnectionOptions
        {
            Gateways = [system.GatewayWs(0), system.GatewayWs(1)],
            AccessToken = _ =>
            {
                Interlocked.Increment(ref asked);
                return Task.FromResult(TestTokens.Issue("sdk-expired", DateTime.UtcNow.AddHours(-2), TimeSpan.FromHours(1)));
            },
        };

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => HeartRuleConnection.ConnectAsync(options));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, Assert.IsType<HttpRequestException>(refused.InnerException).StatusCode);
        Assert.Equal(1, asked);
    }

    /// <summary>The seqs of the session's messages and turn ends, in the order the connection delivered them.</summary>
    private static List<long> Sequenced(EventRecorder events, Guid sessionId) =>
        [.. events.Events.Select(e => e switch
        {
            MessageReceived m when m.SessionId == sessionId => m.Message.Seq,
            TurnEnded t when t.SessionId == sessionId => t.Turn.Seq,
            _ => 0,
        }).Where(seq => seq > 0)];

    private static int IndexOf(EventRecorder events, ConnectionEvent e) => events.Events.ToList().FindIndex(x => ReferenceEquals(x, e));

    private async Task<List<(long Seq, string Role, string Content)>> StoredAsync(string userId, Guid sessionId)
    {
        using var http = await system.ApiClientAsync(userId);
        var page = await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}/messages?limit=500");
        return [.. page.GetProperty("items").EnumerateArray()
            .Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))];
    }
}

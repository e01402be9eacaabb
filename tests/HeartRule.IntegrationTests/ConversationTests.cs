using System.Text.Json;
using HeartRule.Infrastructure;
using HeartRule.Protocol;
using Npgsql;

namespace HeartRule.IntegrationTests;

/// <summary>The sample intake conversation through every part of the system: Gateway, RabbitMQ, Sessions, ScriptEngine, Redis, Persistence, PostgreSQL.</summary>
[Collection(SystemCollection.Name)]
public sealed class ConversationTests(SystemFixture system)
{
    /// <summary>
    /// The answer travels Sessions → Redis → gateway and can be quicker than the broker's confirm of the input; the
    /// gateway holds it until the ack is out. A refusal (an input on a finished session) needs no engine and is the
    /// quickest answer there is.
    /// </summary>
    [Fact]
    public async Task Every_input_is_acked_before_anything_it_causes_reaches_its_socket()
    {
        await using var client = await system.ConnectAsync("ack-first");
        var (sessionId, _) = await client.StartAsync("intake");
        string[] inputs = ["Alex", "trouble sleeping", .. Enumerable.Repeat("are you still there?", 20)];
        foreach (var (text, i) in inputs.Select((t, i) => (t, i)))
        {
            await client.SendAsync(new InputFrame { RequestId = $"r{i}", SessionId = sessionId, ClientMessageId = $"c{i}", Text = text });
            var next = await client.NextAsync(TimeSpan.FromSeconds(30));
            while (next is PongFrame) next = await client.NextAsync(TimeSpan.FromSeconds(30));
            Assert.Equal($"r{i}", Assert.IsType<AckFrame>(next).RequestId);
            // The intake script ends after two answers: the inputs after that are refused.
            var answer = await client.WaitForAsync<Frame>(f => f is TurnCompletedFrame || f is ErrorFrame { RequestId: var r } && r == $"r{i}");
            if (i >= 2) Assert.Equal("SESSION_COMPLETED", Assert.IsType<ErrorFrame>(answer).Code);
        }
    }

    [Fact]
    public async Task The_intake_conversation_runs_end_to_end_and_is_stored()
    {
        await using var client = await system.ConnectAsync("alice", roles: [Roles.Author]);

        var (sessionId, first) = await client.StartAsync("intake", debug: true);
        Assert.Equal(
            ["Welcome to HeartRule. This is a safe, private space, and we can go at your pace.", "What name would you like me to call you?"],
            first.AiTexts);
        Assert.Equal("waiting_input", first.Completed.ExecutionStatus);
        Assert.Equal([1L, 2L, 3L], first.Messages.Select(m => m.Seq).Append(first.Completed.Seq));

        var second = await client.SayAsync(sessionId, "Alex");
        Assert.Equal(("user", "Alex"), (second.Messages[0].Role, second.Messages[0].Content));
        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], second.AiTexts);
        Assert.Contains("client_name", second.Completed.ChangedVariables.GetRawText());

        var third = await client.SayAsync(sessionId, "trouble sleeping");
        Assert.Equal(["Thank you, Alex. Together we will work on trouble sleeping."], third.AiTexts);
        Assert.Equal("completed", third.Completed.ExecutionStatus);
        Assert.Equal(9, third.Completed.Seq);

        // Final variables, as the debug block of the last turn reports them by scope.
        var variables = third.Completed.Debug!.Value.GetProperty("variables");
        var all = variables.EnumerateObject().SelectMany(scope => scope.Value.EnumerateObject()).ToDictionary(v => v.Name, v => v.Value.GetString());
        Assert.Equal("Alex", all["client_name"]);
        Assert.Equal("trouble sleeping", all["reason"]);

        // The rows in PostgreSQL, once Persistence has caught up with the last turn.
        await using var db = new NpgsqlConnection(await system.ConnectionStringAsync("heartrule"));
        await db.OpenAsync();
        await Eventually(async () => await Scalar<long>(db, "SELECT last_seq FROM sessions WHERE id = @id", sessionId) == 9);
        Assert.Equal("completed", await Scalar<string>(db, "SELECT status FROM sessions WHERE id = @id", sessionId));
        Assert.Equal("completed", await Scalar<string>(db, "SELECT execution_status FROM sessions WHERE id = @id", sessionId));
        Assert.Equal("alice", await Scalar<string>(db, "SELECT user_id FROM sessions WHERE id = @id", sessionId));

        var rows = new List<(long Seq, string Role, string Content)>();
        await using (var cmd = new NpgsqlCommand("SELECT seq, role, content FROM messages WHERE session_id = @id ORDER BY seq", db))
        {
            cmd.Parameters.AddWithValue("id", sessionId);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        Assert.Equal(
        [
            (1L, "assistant", "Welcome to HeartRule. This is a safe, private space, and we can go at your pace."),
            (2L, "assistant", "What name would you like me to call you?"),
            (4L, "user", "Alex"),
            (5L, "assistant", "Nice to meet you, Alex. What brings you here today?"),
            (7L, "user", "trouble sleeping"),
            (8L, "assistant", "Thank you, Alex. Together we will work on trouble sleeping."),
        ], rows);
        Assert.Equal(3L, await Scalar<long>(db, "SELECT count(*) FROM turns WHERE session_id = @id", sessionId));
        var stored = new Dictionary<string, string>();
        await using (var cmd = new NpgsqlCommand("SELECT name, new_value::text FROM variable_changes WHERE session_id = @id ORDER BY turn, ordinal", db))
        {
            cmd.Parameters.AddWithValue("id", sessionId);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) stored[reader.GetString(0)] = JsonSerializer.Deserialize<string>(reader.GetString(1))!;
        }
        Assert.Equal("Alex", stored["client_name"]);
        Assert.Equal("trouble sleeping", stored["reason"]);
    }

    [Fact]
    public async Task Prompts_are_recorded_only_while_somebody_debugs_the_session()
    {
        static IEnumerable<JsonElement> Calls(Turn turn) => turn.Completed.Debug!.Value.GetProperty("llmCalls").EnumerateArray();

        // Started by a debugging socket (an author's): its turns carry the prompts and replies.
        await using var author = await system.ConnectAsync("prompts-author", roles: [Roles.Author]);
        var (debugged, opening) = await author.StartAsync("intake", debug: true);
        Assert.NotEmpty(Calls(opening));
        Assert.All(Calls(opening), c => Assert.Contains("No diagnosis", c.GetProperty("prompt").GetString()));
        Assert.All(Calls(await author.SayAsync(debugged, "Alex")), c => Assert.Equal(JsonValueKind.String, c.GetProperty("response").ValueKind));

        // Started without debug: nothing of the prompts is kept, only what the calls cost.
        await using var client = await system.ConnectAsync("prompts-own", roles: [Roles.Author]);
        var (sessionId, first) = await client.StartAsync("intake");
        await using var debugger = await system.ConnectAsync("prompts-own", roles: [Roles.Author]);
        await debugger.SendAsync(new SessionAttachFrame { RequestId = "a1", SessionId = sessionId, LastSeq = 0, Debug = true });
        await debugger.WaitForAsync<SessionAttachedFrame>(f => f.RequestId == "a1");
        var replayed = await debugger.ReadTurnAsync();
        Assert.Equal(first.Completed.Seq, replayed.Completed.Seq);
        Assert.NotEmpty(Calls(replayed));
        Assert.All(Calls(replayed), c => Assert.False(c.TryGetProperty("prompt", out _)));
        Assert.All(Calls(replayed), c => Assert.False(c.TryGetProperty("response", out _)));
        Assert.All(Calls(replayed), c => Assert.False(string.IsNullOrEmpty(c.GetProperty("model").GetString())));

        // From the turn after a debugger attached, they are recorded.
        await client.SendAsync(new InputFrame { RequestId = "i1", SessionId = sessionId, ClientMessageId = "p1", Text = "Alex" });
        var next = await debugger.ReadTurnAsync();
        Assert.NotEmpty(Calls(next));
        Assert.All(Calls(next), c => Assert.False(string.IsNullOrEmpty(c.GetProperty("prompt").GetString())));
    }

    [Fact]
    public async Task AI_messages_are_streamed_as_deltas_that_carry_the_final_message_id()
    {
        await using var client = await system.ConnectAsync("streaming");
        await client.SendAsync(new SessionStartFrame { RequestId = "s1", ScriptId = "intake" });
        var deltas = new List<MessageDeltaFrame>();
        var messages = new List<MessageFrame>();
        while (true)
        {
            var frame = await client.NextAsync();
            if (frame is MessageDeltaFrame d) deltas.Add(d);
            if (frame is MessageFrame m) messages.Add(m);
            if (frame is TurnCompletedFrame) break;
        }
        // Deltas are not sequenced: one may trail the turn's last frame by a moment.
        try
        {
            while (true) if (await client.NextAsync(TimeSpan.FromSeconds(1)) is MessageDeltaFrame late) deltas.Add(late);
        }
        catch (TimeoutException)
        {
        }
        var welcome = messages[0];
        var pieces = deltas.Where(d => d.MessageId == welcome.MessageId).OrderBy(d => d.Index).ToList();
        Assert.NotEmpty(pieces);
        Assert.Equal(Enumerable.Range(0, pieces.Count), pieces.Select(p => p.Index));
        Assert.StartsWith(string.Concat(pieces.Select(p => p.Text)), welcome.Content);
        // Every delta belongs to a message of the turn (none of these is discarded on the first turn).
        Assert.All(deltas, d => Assert.Contains(messages, m => m.MessageId == d.MessageId));
    }

    [Fact]
    public async Task An_unknown_script_is_answered_with_SCRIPT_NOT_FOUND()
    {
        await using var client = await system.ConnectAsync("bob");
        await client.SendAsync(new SessionStartFrame { RequestId = "s1", ScriptId = "no_such_script" });
        var started = await client.WaitForAsync<SessionStartedFrame>();
        var error = await client.WaitForAsync<ErrorFrame>();
        Assert.Equal(("SCRIPT_NOT_FOUND", "s1", started.SessionId), (error.Code, error.RequestId, error.SessionId));
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection db, string sql, Guid id)
    {
        await using var cmd = new NpgsqlCommand(sql, db);
        cmd.Parameters.AddWithValue("id", id);
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true in time.");
            await Task.Delay(100);
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Infrastructure;
using HeartRule.Protocol;
using Npgsql;

namespace HeartRule.IntegrationTests;

/// <summary>
/// The safety net on the real system: a client's crisis gets the crisis response, the session is flagged and stored,
/// the alert reaches a counsellor on the other gateway node, the queue is for counsellors only, and erasure takes the
/// flag with the conversation.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SafetyNetTests(SystemFixture system)
{
    [Fact]
    public async Task A_crisis_gets_the_crisis_response_a_flag_and_an_alert_to_a_counsellor_on_the_other_node()
    {
        await using var counsellor = await system.ConnectAsync("safety-counsellor", node: 1, roles: [Roles.Counsellor]);
        await counsellor.SendAsync(new SafetySubscribeFrame { RequestId = "watch" });
        await counsellor.WaitForAsync<SafetySubscribedFrame>(f => f.RequestId == "watch");

        await using var client = await system.ConnectAsync("safety-client", node: 0);
        var (sessionId, _) = await client.StartAsync("intake");
        await client.SayAsync(sessionId, "Alex");
        var sent = Stopwatch.StartNew();
        var crisis = await client.SayAsync(sessionId, "I don't want to be here any more");
        var alert = await counsellor.WaitForAsync<SafetyAlertFrame>(a => a.SessionId == sessionId);
        var alertLatency = sent.Elapsed;

        // The alert goes out once the flag is stored: the counsellor may watch the session the moment it arrives.
        await counsellor.SendAsync(new SessionAttachFrame { RequestId = "watch-now", SessionId = sessionId, LastSeq = 0 });
        var watched = await counsellor.WaitForAsync<Frame>(f => f is SessionAttachedFrame { RequestId: "watch-now" } or ErrorFrame { RequestId: "watch-now" });
        Assert.IsType<SessionAttachedFrame>(watched);

        // The crisis response instead of the script's next question, with the resources; the script waits where it was.
        var response = Assert.Single(crisis.Messages, m => m.Role == "assistant");
        Assert.Equal("crisis", response.ActionId);
        Assert.Contains("116 123", response.Content);
        Assert.Equal(("waiting_input", "ask_reason"), (crisis.Completed.ExecutionStatus, crisis.Completed.Position.GetProperty("actionId").GetString()));
        Assert.Equal(("high", "screen:suicide", "intake"), (alert.RiskLevel, alert.Reason, alert.ScriptId));
        Assert.Contains("en.suicide.ideation", alert.Evidence);
        var input = Assert.Single(crisis.Messages, m => m.Role == "user");
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "safety-alert.txt"),
            $"input sent → safety.alert on the other gateway node: {alertLatency.TotalMilliseconds:F0} ms (turn included)\n");

        // While suspended, every input gets the follow-up and the script does not move.
        var after = await client.SayAsync(sessionId, "I don't know");
        Assert.Equal(["crisis"], after.Messages.Where(m => m.Role == "assistant").Select(m => m.ActionId));
        Assert.Equal("ask_reason", after.Completed.Position.GetProperty("actionId").GetString());

        // The flag is stored with the turn, in the counsellors' queue; the owner sees the session flagged and suspended.
        await system.WaitUntilStoredAsync(sessionId, turns: 4);
        using var counsellorApi = await system.ApiClientAsync("safety-counsellor", Roles.Counsellor);
        var flag = (await counsellorApi.GetFromJsonAsync<JsonElement>("/api/safety/flags?pageSize=100")).GetProperty("items").EnumerateArray()
            .Single(f => f.GetProperty("sessionId").GetGuid() == sessionId);
        Assert.Equal(("high", alert.Seq), (flag.GetProperty("riskLevel").GetString(), flag.GetProperty("seq").GetInt64()));
        Assert.Equal([input.MessageId], flag.GetProperty("evidenceMessageIds").EnumerateArray().Select(e => e.GetGuid()));
        Assert.DoesNotContain("here any more", flag.GetRawText());
        using var owner = await system.ApiClientAsync("safety-client");
        var detail = await owner.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}");
        Assert.Equal(("high", true), (detail.GetProperty("riskLevel").GetString(), detail.GetProperty("suspended").GetBoolean()));

        // Resolving takes it off the open queue, and is audited.
        using (var resolved = await counsellorApi.PostAsync($"/api/safety/flags/{sessionId}/{alert.Seq}/resolve", null))
            Assert.Equal(HttpStatusCode.NoContent, resolved.StatusCode);
        var open = (await counsellorApi.GetFromJsonAsync<JsonElement>("/api/safety/flags?pageSize=100")).GetProperty("items").EnumerateArray();
        Assert.DoesNotContain(open, f => f.GetProperty("sessionId").GetGuid() == sessionId);
        using (var again = await counsellorApi.PostAsync($"/api/safety/flags/{sessionId}/{alert.Seq}/resolve", null))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var admin = await system.ApiClientAsync("safety-auditor", Roles.Admin);
        var audit = (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?objectType=session&objectId={sessionId}&action=flag.resolve")).GetProperty("items");
        Assert.Equal("safety-counsellor", Assert.Single(audit.EnumerateArray()).GetProperty("actor").GetString());

        // Erasing the session takes its flags with it.
        using (var erased = await owner.DeleteAsync($"/api/sessions/{sessionId}/data"))
            Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        await using var db = new NpgsqlConnection(await system.ConnectionStringAsync("heartrule"));
        await db.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM session_flags WHERE session_id = @id", db);
        count.Parameters.AddWithValue("id", sessionId);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_chinese_crisis_is_answered_in_chinese_and_idioms_are_not_crises()
    {
        await using var client = await system.ConnectAsync("safety-client-zh");
        var (tired, _) = await client.StartAsync("intake_zh");
        await client.SayAsync(tired, "小林");
        var idiom = await client.SayAsync(tired, "最近作业太多，我快累死了");
        Assert.Equal("completed", idiom.Completed.ExecutionStatus);
        Assert.DoesNotContain(idiom.Messages, m => m.ActionId == "crisis");

        var (sessionId, _) = await client.StartAsync("intake_zh");
        await client.SayAsync(sessionId, "小林");
        var crisis = await client.SayAsync(sessionId, "我不想活了");
        var response = Assert.Single(crisis.Messages, m => m.Role == "assistant");
        Assert.Equal("crisis", response.ActionId);
        Assert.Contains("400-161-9995", response.Content);
    }

    [Fact]
    public async Task Only_counsellors_and_admins_see_the_queue_or_its_alerts()
    {
        await using var client = await system.ConnectAsync("safety-nosy-client");
        await client.SendAsync(new SafetySubscribeFrame { RequestId = "peek" });
        Assert.Equal("FORBIDDEN", (await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "peek")).Code);
        await using var author = await system.ConnectAsync("safety-nosy-author", roles: [Roles.Author]);
        await author.SendAsync(new SafetySubscribeFrame { RequestId = "peek" });
        Assert.Equal("FORBIDDEN", (await author.WaitForAsync<ErrorFrame>(e => e.RequestId == "peek")).Code);

        using var clientApi = await system.ApiClientAsync("safety-nosy-client");
        using var refused = await clientApi.GetAsync("/api/safety/flags");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var adminApi = await system.ApiClientAsync("safety-admin", Roles.Admin);
        using var allowed = await adminApi.GetAsync("/api/safety/flags?status=all");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using var invalid = await adminApi.GetAsync("/api/safety/flags?status=urgent");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task A_counsellor_takes_over_across_nodes_every_device_sees_it_once_in_order_and_hands_back()
    {
        // Two devices of the client, one on each gateway node; the counsellor on node 1.
        await using var phone = await system.ConnectAsync("safety-held-client", node: 0);
        var (sessionId, _) = await phone.StartAsync("intake");
        await using var laptop = await system.ConnectAsync("safety-held-client", node: 1);
        await laptop.AttachAsync(sessionId);
        await laptop.ReadTurnAsync();
        await phone.SayAsync(sessionId, "Alex");
        await laptop.ReadTurnAsync();
        await phone.SayAsync(sessionId, "I want to die");
        await laptop.ReadTurnAsync();
        await system.WaitUntilStoredAsync(sessionId, turns: 3);

        await using var counsellor = await system.ConnectAsync("safety-holder", node: 1, roles: [Roles.Counsellor]);
        await counsellor.AttachAsync(sessionId);
        await counsellor.ReadTurnAsync();
        await counsellor.ReadTurnAsync();
        await counsellor.ReadTurnAsync();
        await counsellor.SendAsync(new CounsellorTakeFrame { RequestId = "take", SessionId = sessionId, ClientMessageId = "take-1" });
        // The ack comes first, then the turn every device of the session gets (ReadTurnAsync passes over acks).
        var joined = await counsellor.ReadTurnAsync();
        Assert.Equal("system", Assert.Single(joined.Messages).Role);

        // Only one counsellor holds it: another may neither take it nor speak in it.
        await using var other = await system.ConnectAsync("safety-other-counsellor", node: 0, roles: [Roles.Counsellor]);
        await other.SendAsync(new CounsellorTakeFrame { RequestId = "grab", SessionId = sessionId, ClientMessageId = "grab-1" });
        Assert.Equal("FORBIDDEN", (await other.WaitForAsync<ErrorFrame>(e => e.RequestId == "grab")).Code);
        await other.SendAsync(new CounsellorSayFrame { RequestId = "butt-in", SessionId = sessionId, ClientMessageId = "butt-1", Text = "Hello?" });
        Assert.Equal("FORBIDDEN", (await other.WaitForAsync<ErrorFrame>(e => e.RequestId == "butt-in")).Code);
        // A client cannot act as a counsellor.
        await using var impostor = await system.ConnectAsync("safety-held-client", node: 0);
        await impostor.SendAsync(new CounsellorTakeFrame { RequestId = "self", SessionId = sessionId, ClientMessageId = "self-1" });
        Assert.Equal("FORBIDDEN", (await impostor.WaitForAsync<ErrorFrame>(e => e.RequestId == "self")).Code);

        // The counsellor speaks; the client answers; no AI message while the counsellor holds the conversation.
        await counsellor.SendAsync(new CounsellorSayFrame { RequestId = "hi", SessionId = sessionId, ClientMessageId = "say-1", Text = "Hi Alex, I'm Sam, a counsellor. I'm here with you." });
        var spoken = await counsellor.ReadTurnAsync();
        Assert.Equal("counsellor", Assert.Single(spoken.Messages).Role);
        Assert.Equal(["system", "counsellor"], [(await phone.ReadTurnAsync()).Messages[0].Role, (await phone.ReadTurnAsync()).Messages[0].Role]);
        var answer = await phone.SayAsync(sessionId, "Thank you. I'm at home.");
        Assert.Equal(["user"], answer.Messages.Select(m => m.Role));
        var heard = await counsellor.ReadTurnAsync();
        Assert.Equal("Thank you. I'm at home.", Assert.Single(heard.Messages).Content);

        await counsellor.SendAsync(new CounsellorReleaseFrame { RequestId = "back", SessionId = sessionId, ClientMessageId = "release-1" });
        Assert.Equal("system", Assert.Single((await counsellor.ReadTurnAsync()).Messages).Role);

        // Handed back: the script goes on from where it waited (ask_reason), with the conversation meanwhile in its context.
        Assert.Equal("system", Assert.Single((await phone.ReadTurnAsync()).Messages).Role);
        var resumed = await phone.SayAsync(sessionId, "trouble sleeping");
        Assert.Equal(["user", "assistant"], resumed.Messages.Select(m => m.Role));
        Assert.Equal("completed", resumed.Completed.ExecutionStatus);

        // Both devices saw every event once, in order: the same seqs, with no gap between turns.
        var laptopSeqs = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var turn = await laptop.ReadTurnAsync();
            laptopSeqs.AddRange(turn.Messages.Select(m => m.Seq).Append(turn.Completed.Seq));
        }
        Assert.Equal(Enumerable.Range((int)laptopSeqs[0], laptopSeqs.Count).Select(n => (long)n), laptopSeqs);
        Assert.Equal(resumed.Completed.Seq, laptopSeqs[^1]);

        await system.WaitUntilStoredAsync(sessionId, turns: 8);
        using var admin = await system.ApiClientAsync("safety-holder-auditor", Roles.Admin);
        var actions = (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?objectType=session&objectId={sessionId}")).GetProperty("items")
            .EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("session.take_over", actions);
        Assert.Contains("session.hand_back", actions);
    }
}

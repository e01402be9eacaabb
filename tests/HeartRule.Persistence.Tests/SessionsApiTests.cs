using System.Net;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Persistence.Turns;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;
using static HeartRule.Persistence.Tests.Fixtures.TestTurns;

namespace HeartRule.Persistence.Tests;

/// <summary>The sessions reads: ownership, paging, filters, transcript, variables and the errors of each.</summary>
[Collection(ServersCollection.Name)]
public sealed class SessionsApiTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private TurnWriter _writer = null!;
    private readonly string _userA = "alice-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _userB = "bob-" + Guid.NewGuid().ToString("N")[..8];
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    public async Task InitializeAsync()
    {
        (_host, _) = await servers.HostAsync("api");
        _writer = _host.Get<TurnWriter>();
        _a = _host.Client(_userA);
        _b = _host.Client(_userB);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A session of <paramref name="userId"/> with turns 0..lastTurn stored (created in that order, so later ones are newer).</summary>
    private async Task<Guid> SessionAsync(string userId, int lastTurn = 0, string scriptId = "intake", string lastStatus = "waiting_input", ErrorInfo? lastError = null)
    {
        var id = Guid.NewGuid();
        for (var t = 0; t <= lastTurn; t++)
        {
            var changes = t == 0 ? [] : new[] { Change("mood", t == 1 ? null : t - 1, t, "session", $"ask_{t}"), Change("topic_note", null, $"note {t}", "topic", $"ask_{t}") };
            await _writer.WriteAsync(Turn(id, t, userId, scriptId, changes: changes,
                executionStatus: t == lastTurn ? lastStatus : "waiting_input", error: t == lastTurn ? lastError : null), CancellationToken.None);
        }
        return id;
    }

    [Fact]
    public async Task I_list_only_my_sessions_newest_first_and_can_filter_them()
    {
        var first = await SessionAsync(_userA);
        var done = await SessionAsync(_userA, 1, lastStatus: "completed");
        var sleep = await SessionAsync(_userA, scriptId: "sleep_support");
        var theirs = await SessionAsync(_userB);

        var mine = await JsonAsync(await _a.GetAsync("/api/sessions"));
        Assert.Equal(3, mine.GetProperty("total").GetInt64());
        Assert.Equal([sleep, done, first], mine.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        Assert.DoesNotContain(theirs, mine.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));

        var completed = await JsonAsync(await _a.GetAsync("/api/sessions?status=completed"));
        Assert.Equal([done], completed.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        Assert.Equal("completed", completed.GetProperty("items")[0].GetProperty("executionStatus").GetString());

        var active = await JsonAsync(await _a.GetAsync("/api/sessions?status=active"));
        Assert.Equal(2, active.GetProperty("total").GetInt64());

        var bySleep = await JsonAsync(await _a.GetAsync("/api/sessions?scriptId=sleep_support"));
        var item = Assert.Single(bySleep.GetProperty("items").EnumerateArray());
        Assert.Equal(sleep, item.GetProperty("id").GetGuid());
        Assert.Equal("Sleep and stress check-in", item.GetProperty("scriptName").GetString());

        var both = await JsonAsync(await _a.GetAsync("/api/sessions?scriptId=intake&status=active"));
        Assert.Equal([first], both.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Pages_cover_every_session_once()
    {
        var user = "pager-" + Guid.NewGuid().ToString("N")[..8];
        var client = _host.Client(user);
        var created = new List<Guid>();
        for (var i = 0; i < 23; i++) created.Add(await SessionAsync(user));

        var seen = new List<Guid>();
        for (var page = 1; page <= 3; page++)
        {
            var body = await JsonAsync(await client.GetAsync($"/api/sessions?page={page}&pageSize=10"));
            Assert.Equal(23, body.GetProperty("total").GetInt64());
            Assert.Equal(page, body.GetProperty("page").GetInt32());
            Assert.Equal(10, body.GetProperty("pageSize").GetInt32());
            Assert.Equal(page < 3 ? 10 : 3, body.GetProperty("items").GetArrayLength());
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        }
        Assert.Equal(Enumerable.Reverse(created), seen);

        var beyond = await JsonAsync(await client.GetAsync("/api/sessions?page=4&pageSize=10"));
        Assert.Equal(0, beyond.GetProperty("items").GetArrayLength());
        Assert.Equal(23, beyond.GetProperty("total").GetInt64());
        Assert.Equal(20, (await JsonAsync(await client.GetAsync("/api/sessions"))).GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/sessions?page=0", "page")]
    [InlineData("/api/sessions?pageSize=0", "pageSize")]
    [InlineData("/api/sessions?pageSize=101", "pageSize")]
    [InlineData("/api/sessions?status=deleted", "status")]
    [InlineData("/api/sessions/not-a-uuid", "id")]
    [InlineData("/api/sessions/not-a-uuid/messages", "id")]
    public async Task Bad_parameters_are_validation_failures_naming_the_parameter(string path, string field)
    {
        var problem = await IsProblemAsync(await _a.GetAsync(path), ErrorCodes.ValidationFailed);
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_is_a_validation_failure()
    {
        var problem = await IsProblemAsync(await _a.GetAsync("/api/sessions?page=two"), ErrorCodes.ValidationFailed);
        Assert.Contains("page", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task One_session_shows_its_state_position_and_variables_by_scope()
    {
        var id = await SessionAsync(_userA, 3);

        var session = await JsonAsync(await _a.GetAsync($"/api/sessions/{id}"));

        Assert.Equal(id, session.GetProperty("id").GetGuid());
        Assert.Equal(_userA, session.GetProperty("userId").GetString());
        Assert.Equal("intake", session.GetProperty("scriptId").GetString());
        Assert.Equal(1, session.GetProperty("scriptVersion").GetInt32());
        Assert.Equal("active", session.GetProperty("status").GetString());
        Assert.Equal("waiting_input", session.GetProperty("executionStatus").GetString());
        Assert.Equal(3, session.GetProperty("turn").GetInt32());
        Assert.Equal(4, session.GetProperty("version").GetInt64());
        Assert.Equal(3 * SeqPerTurn + 3, session.GetProperty("lastSeq").GetInt64());
        Assert.Equal("ask_3", session.GetProperty("position").GetProperty("actionId").GetString());
        Assert.Equal(3, session.GetProperty("variables").GetProperty("session").GetProperty("turns_seen").GetInt32());
        Assert.Equal(JsonValueKind.Null, session.GetProperty("lastError").ValueKind);
        Assert.Equal(JsonValueKind.Null, session.GetProperty("engineState").ValueKind);

        var withState = await JsonAsync(await _a.GetAsync($"/api/sessions/{id}?includeEngineState=true"));
        Assert.Equal(3, withState.GetProperty("engineState").GetProperty("turn").GetInt32());
    }

    [Theory]
    [InlineData(ErrorCodes.LlmTimeout)]
    [InlineData(ErrorCodes.LlmUnavailable)]
    [InlineData(ErrorCodes.ActionExecutionError)]
    public async Task A_failed_turn_shows_as_the_sessions_last_error_in_the_problem_shape(string code)
    {
        var id = await SessionAsync(_userA, 1, lastStatus: "error", lastError: new ErrorInfo(code, "The model did not answer.", true));

        var session = await JsonAsync(await _a.GetAsync($"/api/sessions/{id}"));

        var error = session.GetProperty("lastError");
        var descriptor = ErrorCodes.Describe(code);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal($"urn:heartrule:error:{code}", error.GetProperty("type").GetString());
        Assert.Equal(descriptor.HttpStatus, error.GetProperty("status").GetInt32());
        Assert.Equal("runtime", error.GetProperty("errorType").GetString());
        Assert.Equal("The model did not answer.", error.GetProperty("detail").GetString());
        Assert.Equal(descriptor.CanRetry, error.GetProperty("recovery").GetProperty("canRetry").GetBoolean());
        Assert.Equal(id, error.GetProperty("context").GetProperty("sessionId").GetGuid());
        Assert.Equal("intake", error.GetProperty("context").GetProperty("scriptId").GetString());
        Assert.Equal("ask_1", error.GetProperty("context").GetProperty("position").GetProperty("actionId").GetString());
        // It happened in an earlier turn: this request's trace would point the wrong way.
        Assert.Equal(JsonValueKind.Null, error.GetProperty("context").GetProperty("traceId").ValueKind);
        Assert.Equal("error", session.GetProperty("executionStatus").GetString());
    }

    [Fact]
    public async Task Another_users_session_is_forbidden_and_an_unknown_one_is_not_found()
    {
        var id = await SessionAsync(_userA, 1);

        foreach (var path in new[] { $"/api/sessions/{id}", $"/api/sessions/{id}/messages", $"/api/sessions/{id}/variables/history" })
        {
            var forbidden = await IsProblemAsync(await _b.GetAsync(path), ErrorCodes.Forbidden);
            Assert.Equal(id, forbidden.GetProperty("context").GetProperty("sessionId").GetGuid());
            Assert.Equal(HttpStatusCode.OK, (await _a.GetAsync(path)).StatusCode);
        }

        var unknown = Guid.NewGuid();
        foreach (var path in new[] { $"/api/sessions/{unknown}", $"/api/sessions/{unknown}/messages", $"/api/sessions/{unknown}/variables/history" })
        {
            var missing = await IsProblemAsync(await _a.GetAsync(path), ErrorCodes.SessionNotFound);
            Assert.Equal(unknown, missing.GetProperty("context").GetProperty("sessionId").GetGuid());
        }
    }

    [Fact]
    public async Task The_transcript_pages_by_sequence_number_in_order()
    {
        var id = await SessionAsync(_userA, 12);
        // Turn 0: one AI message; turns 1..12: the user's answer and one AI message each.
        const int expected = 1 + 12 * 2;

        var all = new List<JsonElement>();
        long after = 0;
        for (var pages = 1; ; pages++)
        {
            var page = await JsonAsync(await _a.GetAsync($"/api/sessions/{id}/messages?afterSeq={after}&limit=10"));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            all.AddRange(items);
            after = page.GetProperty("nextAfterSeq").GetInt64();
            Assert.Equal(items.Count > 0 ? items[^1].GetProperty("seq").GetInt64() : after, after);
            if (!page.GetProperty("hasMore").GetBoolean())
            {
                Assert.Equal(3, pages);
                break;
            }
            Assert.Equal(10, items.Count);
        }

        Assert.Equal(expected, all.Count);
        var seqs = all.Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        Assert.Equal(["assistant", "user", "assistant"], all.Take(3).Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("answer 1", all[1].GetProperty("content").GetString());
        Assert.Equal("ai_ask", all[0].GetProperty("metadata").GetProperty("actionType").GetString());
        Assert.Equal("ask_0", all[0].GetProperty("actionId").GetString());

        // What followed a given point, e.g. after a reconnect.
        var tail = await JsonAsync(await _a.GetAsync($"/api/sessions/{id}/messages?afterSeq={11 * SeqPerTurn}"));
        Assert.Equal(["answer 11", "question 11.0", "answer 12", "question 12.0"], tail.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.False(tail.GetProperty("hasMore").GetBoolean());
        var end = await JsonAsync(await _a.GetAsync($"/api/sessions/{id}/messages?afterSeq={after}"));
        Assert.Equal(0, end.GetProperty("items").GetArrayLength());
        Assert.Equal(after, end.GetProperty("nextAfterSeq").GetInt64());

        await IsProblemAsync(await _a.GetAsync($"/api/sessions/{id}/messages?limit=0"), ErrorCodes.ValidationFailed);
        await IsProblemAsync(await _a.GetAsync($"/api/sessions/{id}/messages?limit=501"), ErrorCodes.ValidationFailed);
        await IsProblemAsync(await _a.GetAsync($"/api/sessions/{id}/messages?afterSeq=-1"), ErrorCodes.ValidationFailed);
    }

    [Fact]
    public async Task Variable_history_lists_every_change_in_order_and_filters()
    {
        var id = await SessionAsync(_userA, 4);

        var all = await JsonAsync(await _a.GetAsync($"/api/sessions/{id}/variables/history"));
        Assert.Equal(8, all.GetProperty("total").GetInt64());
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4], items.Select(c => c.GetProperty("turn").GetInt32()));
        Assert.Equal(JsonValueKind.Null, items[0].GetProperty("oldValue").ValueKind);
        Assert.Equal(1, items[0].GetProperty("newValue").GetInt32());
        Assert.Equal("ask_1", items[0].GetProperty("sourceActionId").GetString());

        var mood = await JsonAsync(await _a.GetAsync($"/api/sessions/{id}/variables/history?name=mood"));
        var moods = mood.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, moods.Count);
        Assert.All(moods, m => Assert.Equal("mood", m.GetProperty("name").GetString()));
        Assert.Equal(3, moods[3].GetProperty("oldValue").GetInt32());
        Assert.Equal(4, moods[3].GetProperty("newValue").GetInt32());

        var topic = await JsonAsync(await _a.GetAsync($"/api/sessions/{id}/variables/history?scope=topic&page=2&pageSize=3"));
        Assert.Equal(4, topic.GetProperty("total").GetInt64());
        Assert.Equal("note 4", Assert.Single(topic.GetProperty("items").EnumerateArray()).GetProperty("newValue").GetString());

        var problem = await IsProblemAsync(await _a.GetAsync($"/api/sessions/{id}/variables/history?scope=galaxy"), ErrorCodes.ValidationFailed);
        Assert.Equal("scope", problem.GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_deleted_session_is_gone_for_everyone()
    {
        var id = await SessionAsync(_userA, 1);
        var services = _host.ServiceClient();

        Assert.Equal(HttpStatusCode.NoContent, (await services.DeleteAsync($"/internal/sessions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await services.DeleteAsync($"/internal/sessions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await services.DeleteAsync($"/internal/sessions/{Guid.NewGuid()}")).StatusCode);

        await IsProblemAsync(await _a.GetAsync($"/api/sessions/{id}"), ErrorCodes.SessionNotFound);
        await IsProblemAsync(await _a.GetAsync($"/api/sessions/{id}/messages"), ErrorCodes.SessionNotFound);
        await IsProblemAsync(await _b.GetAsync($"/api/sessions/{id}"), ErrorCodes.SessionNotFound);
        var mine = await JsonAsync(await _a.GetAsync("/api/sessions?pageSize=100"));
        Assert.DoesNotContain(id, mine.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        // The Sessions service still sees the row, and that it is deleted, so it can refuse further input.
        var snapshot = await JsonAsync(await services.GetAsync($"/internal/sessions/{id}"));
        Assert.Equal("deleted", snapshot.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_internal_session_reads_keep_the_shape_the_services_use()
    {
        var id = await SessionAsync(_userA, 2);
        var services = _host.ServiceClient();

        var snapshot = await JsonAsync(await services.GetAsync($"/internal/sessions/{id}"));
        Assert.Equal(_userA, snapshot.GetProperty("userId").GetString());
        Assert.Equal(2, snapshot.GetProperty("turn").GetInt32());
        Assert.Equal(3, snapshot.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.String, snapshot.GetProperty("stateJson").ValueKind);
        // The inputs of the stored turns, newest first: Sessions recognises their retries after losing Redis.
        Assert.Equal(JsonValueKind.Array, snapshot.GetProperty("recentInputs").ValueKind);

        var events = await JsonAsync(await services.GetAsync($"/internal/sessions/{id}/events?afterSeq=0"));
        var kinds = events.EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(1 + 2 * 2, kinds.Count(k => k == "message"));
        Assert.Equal(3, kinds.Count(k => k == "turn"));
        var seqs = events.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
    }
}

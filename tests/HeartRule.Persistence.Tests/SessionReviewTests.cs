using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Persistence.Turns;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;
using static HeartRule.Persistence.Tests.Fixtures.TestTurns;

namespace HeartRule.Persistence.Tests;

/// <summary>
/// Session review: the authors of a script list and read (read-only, audited) the sessions on it, with its turns and
/// their debug records, and export one as a document; clients see only their own, without debug records.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class SessionReviewTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private TurnWriter _writer = null!;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private string _script = "";
    private HttpClient _author = null!;
    private HttpClient _sharedAuthor = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        (_host, _) = await servers.HostAsync("api");
        _writer = _host.Get<TurnWriter>();
        _author = As("author", Roles.Author);
        _sharedAuthor = As("colleague", Roles.Author);
        _client = As("client");
        _script = $"reviewed_{_run}";
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session(_script)), 201);
        Assert.Equal(HttpStatusCode.NoContent, (await _author.PostAsJsonAsync($"/api/scripts/{_script}/shares", new { userId = $"colleague-{_run}" })).StatusCode);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient As(string user, params string[] roles) => _host.Client($"{user}-{_run}", roles);

    /// <summary>A session with turns 0..lastTurn stored; the last one failed when <paramref name="failLast"/>.</summary>
    private async Task<Guid> SessionAsync(string user, string? scriptId = null, int lastTurn = 2, bool failLast = false)
    {
        var id = Guid.NewGuid();
        for (var t = 0; t <= lastTurn; t++)
        {
            var changes = t == 0 ? [] : new[] { Change("mood", t - 1, t, "session", $"ask_{t}") };
            var error = failLast && t == lastTurn ? new ErrorInfo(ErrorCodes.LlmTimeout, "The model took too long.", Retryable: true) : null;
            await _writer.WriteAsync(Turn(id, t, $"{user}-{_run}", scriptId ?? _script, changes: changes, error: error,
                executionStatus: error is null ? "waiting_input" : "error"), CancellationToken.None);
        }
        return id;
    }

    private static IEnumerable<Guid> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid());

    [Fact]
    public async Task Authors_list_everyone_s_sessions_on_their_scripts_and_nobody_else_does()
    {
        var first = await SessionAsync("client");
        var onIntake = await SessionAsync("client", "intake");
        var second = await SessionAsync("other");

        foreach (var author in new[] { _author, _sharedAuthor })
        {
            var page = await JsonAsync(await author.GetAsync("/api/sessions?scope=myScripts"));
            Assert.Equal([second, first], Ids(page));
            Assert.Equal([$"other-{_run}", $"client-{_run}"], page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("userId").GetString()));
        }
        Assert.Equal([second, first], Ids(await JsonAsync(await _author.GetAsync($"/api/sessions?scope=myScripts&scriptId={_script}"))));
        Assert.Empty(Ids(await JsonAsync(await _author.GetAsync("/api/sessions"))));
        Assert.Equal([onIntake, first], Ids(await JsonAsync(await _client.GetAsync("/api/sessions?scope=mine"))));

        // The samples have no owner: their sessions are nobody's to review, admins' included.
        await IsProblemAsync(await _author.GetAsync("/api/sessions?scope=myScripts&scriptId=intake"), ErrorCodes.Forbidden);
        await IsProblemAsync(await As("boss", Roles.Admin).GetAsync($"/api/sessions?scope=myScripts&scriptId={_script}"), ErrorCodes.Forbidden);
        Assert.Empty(Ids(await JsonAsync(await As("boss", Roles.Admin).GetAsync("/api/sessions?scope=myScripts"))));
        await IsProblemAsync(await _author.GetAsync("/api/sessions?scope=myScripts&scriptId=no_such_script"), ErrorCodes.ScriptNotFound);
        var notAuthor = await IsProblemAsync(await _client.GetAsync("/api/sessions?scope=myScripts"), ErrorCodes.Forbidden);
        Assert.Contains("myScripts", notAuthor.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var badScope = await IsProblemAsync(await _client.GetAsync("/api/sessions?scope=everyone"), ErrorCodes.ValidationFailed);
        Assert.Equal("scope", badScope.GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task An_author_reads_a_session_on_their_script_with_debug_records_and_each_read_is_audited()
    {
        var id = await SessionAsync("client");

        var detail = await JsonAsync(await _author.GetAsync($"/api/sessions/{id}"));
        Assert.Equal($"client-{_run}", detail.GetProperty("userId").GetString());
        Assert.Equal(5, (await JsonAsync(await _sharedAuthor.GetAsync($"/api/sessions/{id}/messages"))).GetProperty("items").GetArrayLength());
        Assert.Equal(2, (await JsonAsync(await _author.GetAsync($"/api/sessions/{id}/variables/history"))).GetProperty("total").GetInt64());
        var turns = await JsonAsync(await _author.GetAsync($"/api/sessions/{id}/turns"));
        Assert.Equal(3, turns.GetProperty("total").GetInt64());
        var turn = turns.GetProperty("items")[2];
        Assert.Equal((2, 2L * SeqPerTurn + 3), (turn.GetProperty("turn").GetInt32(), turn.GetProperty("seq").GetInt64()));
        Assert.Equal("ask_2", turn.GetProperty("position").GetProperty("actionId").GetString());
        Assert.Equal("mood", turn.GetProperty("changedVariables")[0].GetProperty("name").GetString());
        Assert.Equal(2, turn.GetProperty("debug").GetProperty("variables").GetProperty("session").GetProperty("turns_seen").GetInt32());
        Assert.Equal(JsonValueKind.Array, turn.GetProperty("debug").GetProperty("llmCalls").ValueKind);

        // Its owner, a client, sees the same turns without their debug records.
        var own = await JsonAsync(await _client.GetAsync($"/api/sessions/{id}/turns"));
        Assert.All(own.GetProperty("items").EnumerateArray(), t => Assert.Equal(JsonValueKind.Null, t.GetProperty("debug").ValueKind));
        Assert.Equal("mood", own.GetProperty("items")[2].GetProperty("changedVariables")[0].GetProperty("name").GetString());

        // Nobody else reads it: another author, an admin, the script's author once no longer an author.
        foreach (var outsider in new[] { As("stranger", Roles.Author), As("boss", Roles.Admin), As("author", Roles.Client) })
        {
            foreach (var path in new[] { "", "/messages", "/variables/history", "/turns", "/export" })
                await IsProblemAsync(await outsider.GetAsync($"/api/sessions/{id}{path}"), ErrorCodes.Forbidden);
        }

        var audit = await JsonAsync(await As("auditor", Roles.Admin).GetAsync($"/api/admin/audit?objectType=session&objectId={id}&action=session.review"));
        Assert.Equal(
            [($"author-{_run}", "turns"), ($"author-{_run}", "variables"), ($"colleague-{_run}", "messages"), ($"author-{_run}", "detail")],
            audit.GetProperty("items").EnumerateArray().Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("details").GetProperty("part").GetString())));
    }

    [Fact]
    public async Task Turns_page_in_order_and_bad_requests_are_refused_as_the_other_reads_are()
    {
        var id = await SessionAsync("client", lastTurn: 4, failLast: true);

        var second = await JsonAsync(await _client.GetAsync($"/api/sessions/{id}/turns?page=2&pageSize=2"));
        Assert.Equal((5L, 2, 2), (second.GetProperty("total").GetInt64(), second.GetProperty("page").GetInt32(), second.GetProperty("pageSize").GetInt32()));
        Assert.Equal([2, 3], second.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("turn").GetInt32()));
        var last = (await JsonAsync(await _client.GetAsync($"/api/sessions/{id}/turns?page=3&pageSize=2"))).GetProperty("items")[0];
        Assert.Equal(ErrorCodes.LlmTimeout, last.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("The model took too long.", last.GetProperty("error").GetProperty("detail").GetString());

        Assert.Equal("pageSize", (await IsProblemAsync(await _client.GetAsync($"/api/sessions/{id}/turns?pageSize=101"), ErrorCodes.ValidationFailed))
            .GetProperty("errors")[0].GetProperty("path").GetString());
        await IsProblemAsync(await _client.GetAsync("/api/sessions/not-a-uuid/turns"), ErrorCodes.ValidationFailed);
        await IsProblemAsync(await _client.GetAsync($"/api/sessions/{Guid.NewGuid()}/turns"), ErrorCodes.SessionNotFound);
        await IsProblemAsync(await _client.GetAsync($"/api/sessions/{Guid.NewGuid()}/export"), ErrorCodes.SessionNotFound);
        await IsProblemAsync(await As("nosy").GetAsync($"/api/sessions/{id}/turns"), ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task The_export_is_one_document_with_debug_records_for_the_script_s_authors_only()
    {
        var id = await SessionAsync("client", failLast: true);

        using var response = await _client.GetAsync($"/api/sessions/{id}/export");
        var own = await JsonAsync(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"session-{id}.json", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.False(own.GetProperty("includesDebug").GetBoolean());
        Assert.Equal(id, own.GetProperty("session").GetProperty("id").GetGuid());
        Assert.Equal(ErrorCodes.LlmTimeout, own.GetProperty("session").GetProperty("lastError").GetProperty("code").GetString());
        var messages = (await JsonAsync(await _client.GetAsync($"/api/sessions/{id}/messages"))).GetProperty("items");
        Assert.Equal(messages.EnumerateArray().Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("content").GetString())),
            own.GetProperty("transcript").EnumerateArray().Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("content").GetString())));
        Assert.Equal([1, 2], own.GetProperty("variableHistory").EnumerateArray().Select(c => c.GetProperty("newValue").GetInt32()));
        Assert.Equal([0, 1, 2], own.GetProperty("turns").EnumerateArray().Select(t => t.GetProperty("turn").GetInt32()));
        Assert.All(own.GetProperty("turns").EnumerateArray(), t => Assert.Equal(JsonValueKind.Null, t.GetProperty("debug").ValueKind));
        Assert.True(DateTimeOffset.UtcNow - own.GetProperty("exportedAt").GetDateTimeOffset() < TimeSpan.FromMinutes(1));

        var authors = await JsonAsync(await _author.GetAsync($"/api/sessions/{id}/export"));
        Assert.True(authors.GetProperty("includesDebug").GetBoolean());
        Assert.All(authors.GetProperty("turns").EnumerateArray(), t => Assert.Equal(JsonValueKind.Object, t.GetProperty("debug").ValueKind));
        Assert.Equal(own.GetProperty("transcript").GetArrayLength(), authors.GetProperty("transcript").GetArrayLength());
    }
}

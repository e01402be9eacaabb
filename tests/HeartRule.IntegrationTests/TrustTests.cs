using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>
/// Roles, debug access and service identity, tried with real tokens against the real system: what a client may
/// not do is refused with a typed error, and the internal routes answer services only.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TrustTests(SystemFixture system)
{
    private static string Yaml(string id, string greeting) => TestScripts.Session(id, greeting, "Trust test");

    private static async Task<string> CodeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;

    [Fact]
    public async Task A_client_cannot_upload_version_publish_or_delete_a_script()
    {
        using var client = await system.ApiClientAsync("trust-client");
        var yaml = Yaml("trust_by_client", "Hi");

        using (var upload = await client.PostAsJsonAsync("/api/scripts", new { yaml }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
            Assert.Equal("FORBIDDEN", await CodeOf(upload));
        }
        using (var version = await client.PostAsJsonAsync("/api/scripts/intake/versions", new { yaml = Yaml("intake", "Hijacked") }))
            Assert.Equal(HttpStatusCode.Forbidden, version.StatusCode);
        using (var publish = await client.PostAsync("/api/scripts/intake/versions/1/publish", null))
            Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        using (var delete = await client.DeleteAsync("/api/scripts/intake"))
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);

        using var missing = await client.GetAsync("/api/scripts/trust_by_client");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var intake = await client.GetFromJsonAsync<JsonElement>("/api/scripts/intake");
        Assert.Equal(1, intake.GetProperty("latestVersion").GetInt32());
    }

    [Fact]
    public async Task Clients_start_sessions_only_on_published_versions_and_authors_may_try_their_drafts()
    {
        var id = "trust_draft_" + Guid.NewGuid().ToString("N")[..8];
        using var author = await system.ApiClientAsync("trust-author", Roles.Author);
        using (var uploaded = await author.PostAsJsonAsync("/api/scripts", new { yaml = Yaml(id, "Draft hello") }))
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);

        await using var client = await system.ConnectAsync("trust-client-start");
        await client.SendAsync(new SessionStartFrame { RequestId = "draft", ScriptId = id });
        var refused = await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "draft");
        Assert.Equal("SCRIPT_NOT_FOUND", refused.Code);
        await client.SendAsync(new SessionStartFrame { RequestId = "draft-v1", ScriptId = id, Version = 1 });
        Assert.Equal("SCRIPT_NOT_FOUND", (await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "draft-v1")).Code);
        using var clientHttp = await system.ApiClientAsync("trust-client-start");
        using (var overHttp = await clientHttp.PostAsJsonAsync("/api/sessions", new { scriptId = id }))
        {
            Assert.Equal(HttpStatusCode.NotFound, overHttp.StatusCode);
            Assert.Equal("SCRIPT_NOT_FOUND", await CodeOf(overHttp));
        }

        // The author tries the draft by naming its version.
        await using var authorSocket = await system.ConnectAsync("trust-author", roles: [Roles.Author]);
        await authorSocket.SendAsync(new SessionStartFrame { RequestId = "try", ScriptId = id, Version = 1 });
        await authorSocket.WaitForAsync<SessionStartedFrame>(f => f.RequestId == "try");
        Assert.Equal(["Draft hello"], (await authorSocket.ReadTurnAsync()).AiTexts);

        using (var published = await author.PostAsync($"/api/scripts/{id}/versions/1/publish", null))
            Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        var (_, first) = await client.StartAsync(id);
        Assert.Equal(["Draft hello"], first.AiTexts);
    }

    [Fact]
    public async Task Debug_frames_are_refused_to_clients_with_a_typed_error_and_given_to_authors()
    {
        await using var client = await system.ConnectAsync("trust-debug-client");
        await client.SendAsync(new SessionStartFrame { RequestId = "dbg", ScriptId = "intake", Debug = true });
        var refused = await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "dbg");
        Assert.Equal("FORBIDDEN", refused.Code);
        Assert.False(refused.Retryable);

        // Without debug the same client talks normally; attaching to its own session with debug is refused too.
        var (sessionId, first) = await client.StartAsync("intake");
        Assert.Null(first.Completed.Debug);
        await client.SendAsync(new SessionAttachFrame { RequestId = "dbg-attach", SessionId = sessionId, LastSeq = 3, Debug = true });
        var attachRefused = await client.WaitForAsync<ErrorFrame>(e => e.RequestId == "dbg-attach");
        Assert.Equal(("FORBIDDEN", sessionId), (attachRefused.Code, attachRefused.SessionId));

        // An admin cannot read another user's session with debug either: the session is not theirs.
        await using var admin = await system.ConnectAsync("trust-debug-admin", roles: [Roles.Admin]);
        await admin.SendAsync(new SessionAttachFrame { RequestId = "peek", SessionId = sessionId, Debug = true });
        Assert.Equal("FORBIDDEN", (await admin.WaitForAsync<ErrorFrame>(e => e.RequestId == "peek")).Code);

        await using var author = await system.ConnectAsync("trust-debug-author", roles: [Roles.Author]);
        var (_, debugged) = await author.StartAsync("intake", debug: true);
        Assert.True(debugged.Completed.Debug!.Value.GetProperty("llmCalls").GetArrayLength() > 0);
    }

    [Fact]
    public async Task The_authors_of_a_script_watch_its_sessions_read_only_with_debug_and_nobody_else_does()
    {
        var id = "trust_watch_" + Guid.NewGuid().ToString("N")[..8];
        var yaml = $"""
            session:
              session_id: {id}
              session_name: Watched
              phases:
                - phase_id: p1
                  topics:
                    - topic_id: t1
                      actions:
                        - action_type: ai_ask
                          action_id: mood
                          config:
                            content: How are you today?
                            output:
                              - get: mood
                                define: How the client feels.
                        - action_type: ai_ask
                          action_id: sleep
                          config:
                            content: How do you sleep?
                            output:
                              - get: sleep
                                define: How the client sleeps.
            """;
        using var authorApi = await system.ApiClientAsync("trust-watch-author", Roles.Author);
        using (var uploaded = await authorApi.PostAsJsonAsync("/api/scripts", new { yaml }))
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        using (var published = await authorApi.PostAsync($"/api/scripts/{id}/versions/1/publish", null))
            Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        using (var shared = await authorApi.PostAsJsonAsync($"/api/scripts/{id}/shares", new { userId = "trust-watch-colleague" }))
            Assert.Equal(HttpStatusCode.NoContent, shared.StatusCode);

        await using var client = await system.ConnectAsync("trust-watch-client");
        var (sessionId, _) = await client.StartAsync(id);
        // Whose script a session runs is read from its stored row, written just after the first turn is published.
        await system.WaitUntilStoredAsync(sessionId, turns: 1);

        // The script's author attaches with debug: the transcript so far, then the client's next turn with its LLM calls.
        await using var author = await system.ConnectAsync("trust-watch-author", roles: [Roles.Author]);
        await author.AttachAsync(sessionId, debug: true);
        Assert.Equal(["How are you today?"], (await author.ReadTurnAsync()).AiTexts);
        var said = await client.SayAsync(sessionId, "Tired but fine");
        var watched = await author.ReadTurnAsync();
        Assert.Equal(said.Messages.Select(m => m.Seq), watched.Messages.Select(m => m.Seq));
        Assert.True(watched.Completed.Debug!.Value.GetProperty("llmCalls").GetArrayLength() > 0);

        // Watching is read-only: the author's input into the client's session is refused.
        await author.SendAsync(new InputFrame { RequestId = "speak", SessionId = sessionId, ClientMessageId = "author-1", Text = "Hello from the author" });
        Assert.Equal(("FORBIDDEN", sessionId), await CodeAndSession(author, "speak"));

        // An author the script is shared with may watch too; another author and an admin, owners of nothing here, may not.
        await using var colleague = await system.ConnectAsync("trust-watch-colleague", roles: [Roles.Author]);
        await colleague.AttachAsync(sessionId);
        await using var stranger = await system.ConnectAsync("trust-watch-stranger", roles: [Roles.Author]);
        await stranger.SendAsync(new SessionAttachFrame { RequestId = "stranger", SessionId = sessionId, Debug = true });
        Assert.Equal(("FORBIDDEN", sessionId), await CodeAndSession(stranger, "stranger"));
        await using var admin = await system.ConnectAsync("trust-watch-admin", roles: [Roles.Admin]);
        await admin.SendAsync(new SessionAttachFrame { RequestId = "admin", SessionId = sessionId });
        Assert.Equal(("FORBIDDEN", sessionId), await CodeAndSession(admin, "admin"));

        // Every watch granted is in the audit log, with who watched and whether with debug.
        using var auditor = await system.ApiClientAsync("trust-watch-auditor", Roles.Admin);
        var watches = (await auditor.GetFromJsonAsync<JsonElement>($"/api/admin/audit?objectType=session&objectId={sessionId}&action=session.observe"))
            .GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("details").GetProperty("debug").GetBoolean()))
            .Order().ToList();
        Assert.Equal([("trust-watch-author", true), ("trust-watch-colleague", false)], watches);
    }

    private static async Task<(string, Guid?)> CodeAndSession(HeartRuleClient client, string requestId)
    {
        var error = await client.WaitForAsync<ErrorFrame>(e => e.RequestId == requestId);
        return (error.Code, error.SessionId);
    }

    [Fact]
    public async Task Creating_a_session_over_the_socket_or_http_and_deleting_it_are_audited_with_their_user()
    {
        await using var client = await system.ConnectAsync("trust-audited", roles: [Roles.Author]);
        var (overSocket, _) = await client.StartAsync("intake");
        using var http = await system.ApiClientAsync("trust-audited");
        using var created = await http.PostAsJsonAsync("/api/sessions", new { scriptId = "intake" });
        var overHttp = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetGuid();
        using (var deleted = await http.DeleteAsync($"/api/sessions/{overHttp}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var admin = await system.ApiClientAsync("trust-auditor", Roles.Admin);
        // Over the socket, the entry is written just after the first turn is published: it may trail the frames.
        JsonElement socketEntries;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            socketEntries = (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?objectType=session&objectId={overSocket}")).GetProperty("items");
            if (socketEntries.GetArrayLength() > 0 || DateTime.UtcNow > deadline) break;
            await Task.Delay(100);
        }
        while (true);
        var entry = Assert.Single(socketEntries.EnumerateArray());
        Assert.Equal(("session.create", "trust-audited"), (entry.GetProperty("action").GetString(), entry.GetProperty("actor").GetString()));
        Assert.Equal(["author"], entry.GetProperty("actorRoles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("intake", entry.GetProperty("details").GetProperty("scriptId").GetString());
        var httpEntries = (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/audit?objectType=session&objectId={overHttp}")).GetProperty("items");
        Assert.Equal(["session.delete", "session.create"], httpEntries.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.All(httpEntries.EnumerateArray(), e => Assert.Equal("trust-audited", e.GetProperty("actor").GetString()));

        // Only admins read the trail.
        using (var refused = await http.GetAsync("/api/admin/audit"))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Internal_routes_refuse_no_token_and_user_tokens_and_answer_a_service_token()
    {
        var persistence = system.Instances.HttpAddress("persistence");
        using var http = new HttpClient { BaseAddress = persistence };
        async Task<HttpStatusCode> GetAs(string? token, string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        var admin = await system.TokenAsync("trust-internal-admin", 0, Roles.Admin);
        var user = await system.TokenAsync("trust-internal-user");
        foreach (var path in new[] { "/internal/scripts/intake", "/internal/scripts/techniques", $"/internal/sessions/{Guid.NewGuid()}/events" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GetAs(null, path));
            Assert.Equal(HttpStatusCode.Forbidden, await GetAs(user, path));
            Assert.Equal(HttpStatusCode.Forbidden, await GetAs(admin, path));
            Assert.Equal(HttpStatusCode.OK, await GetAs(TestTokens.Service(), path));
        }
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/internal/sessions/{Guid.NewGuid()}"))
        {
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(delete)).StatusCode);
        }
        // The script engine's one route: a turn is run only for a service.
        using (var engine = new HttpClient { BaseAddress = system.Instances.HttpAddress("scriptengine") })
        {
            async Task<HttpResponseMessage> RunAs(string? token)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/turns")
                {
                    Content = JsonContent.Create(new ExecuteTurn { SessionId = Guid.NewGuid(), ScriptId = "intake", ScriptVersion = 1 }),
                };
                if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return await engine.SendAsync(request);
            }
            using (var noToken = await RunAs(null)) Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
            using (var asUser = await RunAs(user)) Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
            using (var asAdmin = await RunAs(admin)) Assert.Equal(HttpStatusCode.Forbidden, asAdmin.StatusCode);
            using var asService = await RunAs(TestTokens.Service());
            Assert.Equal(HttpStatusCode.OK, asService.StatusCode);
            var executed = await asService.Content.ReadFromJsonAsync<TurnExecuted>();
            Assert.Equal("waiting_input", executed!.ExecutionStatus);
            Assert.NotEmpty(executed.Messages);
        }

        // An expired service token is refused like any other.
        var expired = TestTokens.Issue("service:sessions", DateTime.UtcNow.AddHours(-1), TimeSpan.FromMinutes(5), Roles.Service);
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAs(expired, "/internal/scripts/intake"));

        // Nobody can ask the Development sign-in for a service identity.
        using var anonymous = new HttpClient { BaseAddress = system.GatewayHttp() };
        using (var asService = await anonymous.PostAsJsonAsync("/auth/dev-token", new { userId = "someone", roles = new[] { "service" } }))
            Assert.Equal(HttpStatusCode.BadRequest, asService.StatusCode);
        using (var serviceName = await anonymous.PostAsJsonAsync("/auth/dev-token", new { userId = "service:sessions" }))
            Assert.Equal(HttpStatusCode.BadRequest, serviceName.StatusCode);
    }
}

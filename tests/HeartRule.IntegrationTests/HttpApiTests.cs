using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Protocol;

namespace HeartRule.IntegrationTests;

/// <summary>The HTTP API as a browser reaches it: through the Gateway, on the same origin as the pages and /ws.</summary>
[Collection(SystemCollection.Name)]
public sealed class HttpApiTests(SystemFixture system)
{
    private async Task<HttpClient> ClientFor(string userId, int node = 0)
    {
        var http = new HttpClient { BaseAddress = system.GatewayHttp(node) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await system.TokenAsync(userId));
        return http;
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/debugger.html")]
    [InlineData("/studio.html")]
    [InlineData("/favicon.svg")]
    public async Task The_pages_may_be_framed_only_by_the_gateways_own_pages(string path)
    {
        using var http = new HttpClient { BaseAddress = system.GatewayHttp(0) };
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("frame-ancestors 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("SAMEORIGIN", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_session_created_over_HTTP_is_continued_over_the_socket_read_back_and_deleted()
    {
        using var http = await ClientFor("api-owner");
        using var created = await http.PostAsJsonAsync("/api/sessions", new { scriptId = "intake" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();
        var sessionId = session.GetProperty("sessionId").GetGuid();
        Assert.Equal(
            ["Welcome to HeartRule. This is a safe, private space, and we can go at your pace.", "What name would you like me to call you?"],
            session.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(3, session.GetProperty("lastSeq").GetInt64());

        await using (var socket = await system.ConnectAsync("api-owner", node: 1))
        {
            await socket.SendAsync(new SessionAttachFrame { RequestId = "a1", SessionId = sessionId, LastSeq = 3 });
            await socket.WaitForAsync<SessionAttachedFrame>();
            var turn = await socket.SayAsync(sessionId, "Alex");
            Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], turn.AiTexts);
        }

        // The stored transcript, once Persistence has the turn.
        JsonElement page = default;
        for (var i = 0; i < 100; i++)
        {
            page = await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}/messages");
            if (page.GetProperty("items").GetArrayLength() == 4) break;
            await Task.Delay(100);
        }
        Assert.Equal(["assistant", "assistant", "user", "assistant"],
            page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("role").GetString()));

        using var otherUser = await ClientFor("api-stranger");
        using (var foreign = await otherUser.GetAsync($"/api/sessions/{sessionId}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
            Assert.Equal("FORBIDDEN", (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        using (var foreignDelete = await otherUser.DeleteAsync($"/api/sessions/{sessionId}"))
            Assert.Equal(HttpStatusCode.Forbidden, foreignDelete.StatusCode);

        using (var deleted = await http.DeleteAsync($"/api/sessions/{sessionId}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var gone = await http.GetAsync($"/api/sessions/{sessionId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        }

        // A deleted session takes no more input; the refusal reaches the sending socket though it never attached.
        await using var late = await system.ConnectAsync("api-owner");
        await late.SendAsync(new InputFrame { RequestId = "late", SessionId = sessionId, ClientMessageId = "late-1", Text = "hello?" });
        await late.WaitForAsync<AckFrame>();
        var error = await late.WaitForAsync<ErrorFrame>(e => e.RequestId == "late");
        Assert.Equal("SESSION_NOT_FOUND", error.Code);
    }

    [Fact]
    public async Task Creating_a_session_on_an_unknown_script_is_a_problem_document()
    {
        using var http = await ClientFor("api-missing");
        using var response = await http.PostAsJsonAsync("/api/sessions", new { scriptId = "nope" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("SCRIPT_NOT_FOUND", problem.GetProperty("code").GetString());
        Assert.Equal("nope", problem.GetProperty("context").GetProperty("scriptId").GetString());
    }

    [Fact]
    public async Task The_API_needs_a_token()
    {
        using var http = new HttpClient { BaseAddress = system.GatewayHttp() };
        using var response = await http.GetAsync("/api/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHORIZED", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}

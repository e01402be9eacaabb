using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;

namespace HeartRule.IntegrationTests;

/// <summary>The studio's rollback, end to end: after it, a new session a client starts runs the earlier version.</summary>
[Collection(SystemCollection.Name)]
public sealed class RollbackTests(SystemFixture system)
{
    [Fact]
    public async Task After_a_rollback_new_sessions_run_the_earlier_version_and_earlier_ones_keep_theirs()
    {
        var id = "rollback_" + Guid.NewGuid().ToString("N")[..8];
        using var author = await system.ApiClientAsync("rollback-author", Roles.Author);
        using var client = await system.ApiClientAsync("rollback-client");
        foreach (var (version, greeting) in new[] { (1, "Hello from version one"), (2, "Hello from version two") })
        {
            using var saved = await author.PostAsJsonAsync(version == 1 ? "/api/scripts" : $"/api/scripts/{id}/versions", new { yaml = TestScripts.Session(id, greeting) });
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
            using var published = await author.PostAsync($"/api/scripts/{id}/versions/{version}/publish", null);
            Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        }

        var (before, beforeVersion, beforeWords) = await StartAsync(client, id);
        Assert.Equal((2, "Hello from version two"), (beforeVersion, beforeWords));

        using (var rolledBack = await author.PostAsJsonAsync($"/api/scripts/{id}/rollback", new { version = 1 }))
            Assert.Equal(HttpStatusCode.NoContent, rolledBack.StatusCode);

        var (_, afterVersion, afterWords) = await StartAsync(client, id);
        Assert.Equal((1, "Hello from version one"), (afterVersion, afterWords));
        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{before}")).GetProperty("scriptVersion").GetInt32());
    }

    /// <summary>Starts a session as the client (naming no version): its id, the version it runs and its first words.</summary>
    private async Task<(Guid Id, int Version, string? FirstWords)> StartAsync(HttpClient client, string scriptId)
    {
        using var created = await client.PostAsJsonAsync("/api/sessions", new { scriptId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();
        var sessionId = session.GetProperty("sessionId").GetGuid();
        // The stored record agrees with the answer: the session is on that version for good.
        await system.WaitUntilStoredAsync(sessionId, 1);
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}");
        Assert.Equal(session.GetProperty("scriptVersion").GetInt32(), stored.GetProperty("scriptVersion").GetInt32());
        return (sessionId, stored.GetProperty("scriptVersion").GetInt32(), session.GetProperty("messages")[0].GetProperty("content").GetString());
    }
}

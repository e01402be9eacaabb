using System.Net;
using HeartRule.Persistence.Tests.Fixtures;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;

namespace HeartRule.Persistence.Tests;

[Collection(ServersCollection.Name)]
public sealed class ApiDocsTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;

    public async Task InitializeAsync() => (_host, _) = await servers.HostAsync("api");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_openapi_document_describes_the_public_api_only()
    {
        var document = await JsonAsync(await _host.Client(null).GetAsync("/api/openapi.json"));

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[]
                 {
                     "/api/scripts", "/api/scripts/validate", "/api/scripts/{id}", "/api/scripts/{id}/versions",
                     "/api/scripts/{id}/versions/{version}", "/api/sessions", "/api/sessions/{id}",
                     "/api/sessions/{id}/messages", "/api/sessions/{id}/variables/history",
                     "/api/scripts/{id}/versions/{version}/publish", "/api/scripts/{id}/rollback", "/api/scripts/{id}/diff",
                     "/api/sessions/{id}/turns", "/api/sessions/{id}/export",
                 })
        {
            Assert.Contains(path, paths);
        }
        Assert.DoesNotContain(paths, p => p.StartsWith("/internal", StringComparison.Ordinal) || p.StartsWith("/health", StringComparison.Ordinal));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("HeartRuleProblem", out _));
        var codes = document.GetProperty("components").GetProperty("schemas").GetProperty("HeartRuleProblem")
            .GetProperty("properties").GetProperty("code").GetProperty("enum").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(HeartRule.Contracts.ErrorCodes.All.Keys.Order(StringComparer.Ordinal), codes);
        Assert.Contains("| SESSION_NOT_FOUND | 404 | session |", document.GetProperty("info").GetProperty("description").GetString());
        // The records' XML comments describe their members.
        Assert.Contains("The whole script", document.GetProperty("components").GetProperty("schemas").GetProperty("ScriptUpload")
            .GetProperty("properties").GetProperty("yaml").GetProperty("description").GetString());
        var notFound = document.GetProperty("paths").GetProperty("/api/scripts/{id}").GetProperty("get").GetProperty("responses").GetProperty("404");
        Assert.True(notFound.GetProperty("content").TryGetProperty("application/problem+json", out _));
        // A publish refused for the draft's errors or warnings is a documented problem too.
        var publish = document.GetProperty("paths").GetProperty("/api/scripts/{id}/versions/{version}/publish").GetProperty("post");
        Assert.True(publish.GetProperty("responses").GetProperty("409").GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.Contains(publish.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "acceptWarnings");
    }

    [Fact]
    public async Task The_interactive_page_and_its_assets_are_served_locally()
    {
        var client = _host.Client(null);

        var page = await client.GetAsync("/api/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("https://", html.Replace("https://swagger.io", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var bundle = await client.GetAsync("/api/docs/swagger-ui-bundle.js");
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.True((await bundle.Content.ReadAsByteArrayAsync()).Length > 100_000);

        var initializer = await client.GetStringAsync("/api/docs/index.js");
        Assert.Contains("/api/openapi.json", initializer);
    }
}

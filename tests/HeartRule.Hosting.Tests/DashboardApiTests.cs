using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HeartRule.Hosting.Tests;

/// <summary>The dashboard's HTTP API, on the running miniature AppHost.</summary>
[Collection(TestAppHostCollection.Name)]
public class DashboardApiTests(TestAppHostFixture fixture)
{
    private HttpClient Dashboard() => new() { BaseAddress = fixture.App.DashboardUrl, Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task The_page_is_served_with_its_script()
    {
        using var dashboard = Dashboard();

        Assert.Contains("HeartRule", await dashboard.GetStringAsync("/"));
        Assert.Contains("EventSource", await dashboard.GetStringAsync("/dashboard.js"));
        Assert.Equal("127.0.0.1", fixture.App.DashboardUrl!.Host);
    }

    [Fact]
    public async Task Resources_are_listed_with_state_pid_endpoints_health_and_restarts()
    {
        using var dashboard = Dashboard();

        var resources = await dashboard.GetFromJsonAsync<JsonElement>("/api/resources");

        var byName = resources.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(new[] { "api", "cache", "worker" }, byName.Keys.Order());
        var api = byName["api"];
        Assert.Equal("project", api.GetProperty("kind").GetString());
        Assert.Equal(2, api.GetProperty("replicas").GetArrayLength());
        foreach (var replica in api.GetProperty("replicas").EnumerateArray())
        {
            var pid = replica.GetProperty("pid").GetInt32();
            Assert.True(Directory.Exists($"/proc/{pid}"), $"pid {pid} is not alive");
            Assert.StartsWith("http://127.0.0.1:", replica.GetProperty("endpoints")[0].GetString());
            Assert.True(replica.TryGetProperty("restartCount", out _));
        }
        var cache = byName["cache"];
        Assert.Equal("running", cache.GetProperty("state").GetString());
        Assert.Equal("healthy", cache.GetProperty("health").GetString());
        Assert.StartsWith("127.0.0.1:", cache.GetProperty("connectionString").GetString());
        Assert.Equal(new[] { "api" }, byName["worker"].GetProperty("waitFor").EnumerateArray().Select(e => e.GetString()));
        Assert.EndsWith("/", byName["worker"].GetProperty("urls")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task Console_output_is_available_by_polling_and_as_a_live_stream()
    {
        using var dashboard = Dashboard();

        var lines = await dashboard.GetFromJsonAsync<JsonElement>("/api/resources/cache/logs");
        Assert.Contains(lines.EnumerateArray(), l => l.GetProperty("text").GetString()!.Contains("Ready to accept connections", StringComparison.Ordinal));
        var last = lines.EnumerateArray().Last().GetProperty("sequence").GetInt64();
        var none = await dashboard.GetFromJsonAsync<JsonElement>($"/api/resources/cache/logs?after={last}");
        Assert.Equal(0, none.GetArrayLength());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/resources/api/logs/stream?replica=1");
        using var response = await dashboard.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? data = null;
        while (data is null && await reader.ReadLineAsync() is { } line)
        {
            data = line.StartsWith("data: ", StringComparison.Ordinal) ? line["data: ".Length..] : null;
        }
        var first = JsonDocument.Parse(data!).RootElement;
        Assert.Equal("api", first.GetProperty("resource").GetString());
        Assert.Equal(1, first.GetProperty("replica").GetInt32());
    }

    [Fact]
    public async Task Commands_restart_a_resource_and_unknown_ones_are_refused()
    {
        using var dashboard = Dashboard();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pid = fixture.App.GetResource("worker").Replicas[0].Pid;

        var restart = await dashboard.PostAsync("/api/resources/worker/restart", null, timeout.Token);

        Assert.Equal(HttpStatusCode.Accepted, restart.StatusCode);
        await fixture.App.WaitForResourceHealthyAsync("worker", cancellationToken: timeout.Token);
        Assert.NotEqual(pid, fixture.App.GetResource("worker").Replicas[0].Pid);

        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.GetAsync("/api/resources/nothing", timeout.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.PostAsync("/api/resources/api/stop?replica=7", null, timeout.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await dashboard.PostAsync("/api/resources/api/explode", null, timeout.Token)).StatusCode);
    }
}

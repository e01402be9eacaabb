using System.Text.Json;
using System.Text.Json.Serialization;
using HeartRule.Hosting.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeartRule.Hosting.Dashboard;

/// <summary>
/// The dashboard: a page (plain HTML/JS embedded in this assembly) over a small JSON API.
/// <list type="bullet">
/// <item>GET /api/resources, GET /api/resources/{name}: state, health, PIDs, endpoints, restarts.</item>
/// <item>GET /api/resources/{name}/logs?replica=0&amp;after=seq: console output since a sequence number.</item>
/// <item>GET /api/resources/{name}/logs/stream?replica=0: the same, live, as server-sent events.</item>
/// <item>POST /api/resources/{name}/{start|stop|restart|kill}?replica=i.</item>
/// </list>
/// </summary>
internal static class DashboardEndpoints
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Map(WebApplication app, DistributedApplication application)
    {
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Asset("dashboard.js", "text/javascript; charset=utf-8"));
        app.MapGet("/dashboard.css", () => Asset("dashboard.css", "text/css; charset=utf-8"));

        var api = app.MapGroup("/api");
        api.MapGet("/resources", () => Results.Json(application.IsStarted ? application.GetResources() : [], Json));
        api.MapGet("/resources/{name}", (string name) => Find(application, name) is { } runtime
            ? Results.Json(runtime.Snapshot(), Json)
            : Results.NotFound());
        api.MapGet("/resources/{name}/logs", (string name, int? replica, long? after) =>
            Instance(application, name, replica) is { } instance
                ? Results.Json(instance.Log.GetLines(after ?? 0), Json)
                : Results.NotFound());
        api.MapGet("/resources/{name}/logs/stream", (HttpContext http, string name, int? replica, long? after) =>
            StreamLogsAsync(http, application, name, replica, after));
        api.MapPost("/resources/{name}/{command}", (string name, string command, int? replica) =>
            RunCommandAsync(application, name, command, replica));
    }

    private static async Task StreamLogsAsync(HttpContext http, DistributedApplication application, string name, int? replica, long? after)
    {
        if (Instance(application, name, replica) is not { } instance)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        // End the stream when the AppHost stops, or the web server would wait for it.
        var lifetime = http.RequestServices.GetRequiredService<IHostApplicationLifetime>();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var resume = after ?? (long.TryParse(http.Request.Headers["Last-Event-ID"], out var last) ? last : 0);
        try
        {
            await foreach (var line in instance.Log.WatchAsync(resume, done.Token))
            {
                await http.Response.WriteAsync($"id: {line.Sequence}\ndata: {JsonSerializer.Serialize(line, Json)}\n\n", done.Token);
                await http.Response.Body.FlushAsync(done.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away or the AppHost stops.
        }
    }

    private static async Task<IResult> RunCommandAsync(DistributedApplication application, string name, string command, int? replica)
    {
        if (Find(application, name) is not { } runtime)
        {
            return Results.NotFound();
        }
        if (replica is { } index && (index < 0 || index >= runtime.Instances.Count))
        {
            return Results.NotFound();
        }
        var instances = runtime.Select(replica).ToList();
        switch (command)
        {
            case "stop":
                await Task.WhenAll(instances.Select(i => i.StopAsync()));
                break;
            case "start":
                instances.ForEach(i => i.Start());
                break;
            case "restart":
                await Task.WhenAll(instances.Select(i => i.StopAsync()));
                instances.ForEach(i => i.Start());
                break;
            case "kill":
                await Task.WhenAll(instances.Select(i => i.KillAsync(restart: true)));
                break;
            default:
                return Results.BadRequest(new { error = $"Unknown command '{command}': start, stop, restart or kill." });
        }
        return Results.Json(runtime.Snapshot(), Json, statusCode: StatusCodes.Status202Accepted);
    }

    private static ResourceRuntime? Find(DistributedApplication application, string name)
    {
        if (!application.IsStarted)
        {
            return null;
        }
        try
        {
            return application.Orchestrator.Get(name);
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    private static ResourceInstance? Instance(DistributedApplication application, string name, int? replica)
    {
        var runtime = Find(application, name);
        var index = replica ?? 0;
        return runtime is not null && index >= 0 && index < runtime.Instances.Count ? runtime.Instances[index] : null;
    }

    private static IResult Asset(string name, string contentType)
    {
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream($"dashboard/{name}");
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}

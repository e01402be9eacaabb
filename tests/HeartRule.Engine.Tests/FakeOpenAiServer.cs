using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeartRule.Engine.Tests;

/// <summary>
/// A real HTTP server speaking enough of the OpenAI chat-completions API for the provider tests:
/// plain and streamed (SSE) replies, error statuses and slow answers, chosen per request in order.
/// </summary>
internal sealed class FakeOpenAiServer : IAsyncDisposable
{
    public abstract record Behaviour;
    public sealed record Reply(string Content) : Behaviour;
    public sealed record Fail(int Status) : Behaviour;
    public sealed record Slow(TimeSpan Delay, string Content) : Behaviour;

    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Behaviour> _behaviours = new();
    private readonly Func<JsonObject, string>? _fallback;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeOpenAiServer(Func<JsonObject, string>? fallback = null)
    {
        _fallback = fallback;
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }
    public ConcurrentQueue<(JsonObject Body, string? Authorization, string Path)> Requests { get; } = new();

    public FakeOpenAiServer Then(Behaviour behaviour)
    {
        _behaviours.Enqueue(behaviour);
        return this;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(ctx));
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        try
        {
            using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject ?? new JsonObject();
            Requests.Enqueue((body, ctx.Request.Headers["Authorization"], ctx.Request.Url!.AbsolutePath));
            var behaviour = _behaviours.TryDequeue(out var b) ? b : new Reply(_fallback?.Invoke(body) ?? "{\"content\": \"ok\"}");
            switch (behaviour)
            {
                case Fail f:
                    ctx.Response.StatusCode = f.Status;
                    ctx.Response.ContentType = "application/json";
                    await Write(ctx, new JsonObject { ["error"] = new JsonObject { ["message"] = $"fake failure {f.Status}", ["type"] = "server_error" } }.ToJsonString());
                    ctx.Response.Close();
                    return;
                case Slow s:
                    try
                    {
                        await Task.Delay(s.Delay, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    await RespondAsync(ctx, body, s.Content);
                    return;
                case Reply r:
                    await RespondAsync(ctx, body, r.Content);
                    return;
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
            // The client gave up (e.g. its timeout fired); nothing to answer.
        }
        catch (IOException)
        {
        }
    }

    private static async Task RespondAsync(HttpListenerContext ctx, JsonObject body, string content)
    {
        var model = body["model"]?.GetValue<string>() ?? "fake";
        if (body["stream"]?.GetValue<bool>() == true)
        {
            ctx.Response.ContentType = "text/event-stream";
            ctx.Response.SendChunked = true;
            var pieces = content.Chunk(4).Select(c => new string(c)).ToList();
            var first = true;
            foreach (var piece in pieces)
            {
                var delta = new JsonObject { ["content"] = piece };
                if (first) delta["role"] = "assistant";
                first = false;
                await Event(ctx, Chunk(model, delta, null));
                await Task.Delay(1);
            }
            await Event(ctx, Chunk(model, new JsonObject(), "stop"));
            var usage = new JsonObject
            {
                ["id"] = "chatcmpl-fake", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
                ["choices"] = new JsonArray(), ["usage"] = Usage(),
            };
            await Event(ctx, usage.ToJsonString());
            await Write(ctx, "data: [DONE]\n\n");
            ctx.Response.Close();
            return;
        }
        var response = new JsonObject
        {
            ["id"] = "chatcmpl-fake", ["object"] = "chat.completion", ["created"] = 1700000000, ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = Usage(),
        };
        ctx.Response.ContentType = "application/json";
        await Write(ctx, response.ToJsonString());
        ctx.Response.Close();
    }

    private static JsonObject Usage() => new() { ["prompt_tokens"] = 42, ["completion_tokens"] = 7, ["total_tokens"] = 49 };

    private static string Chunk(string model, JsonObject delta, string? finish) => new JsonObject
    {
        ["id"] = "chatcmpl-fake", ["object"] = "chat.completion.chunk", ["created"] = 1700000000, ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    }.ToJsonString();

    private static Task Event(HttpListenerContext ctx, string json) => Write(ctx, $"data: {json}\n\n");

    private static async Task Write(HttpListenerContext ctx, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await ctx.Response.OutputStream.WriteAsync(bytes);
        await ctx.Response.OutputStream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
        }
        _stop.Dispose();
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);
}

using Microsoft.AspNetCore.SignalR.Client;

namespace HeartRule.LoadTest;

/// <summary>
/// Whom the tool talks to: the Gateway, the Gateway with each socket opened after a page request on its connection
/// (as a reverse proxy with upstream keep-alive opens them: ASP.NET Core's WebSocket path, not the connection's own),
/// the SignalR baseline, or the baseline's bare WebSocket (/raw, the framework's floor).
/// </summary>
public enum TargetKind { HeartRule, HeartRuleKeptAlive, SignalR, Raw }

/// <summary>One open connection, to the Gateway or to the SignalR baseline, as the idle and echo modes see it.</summary>
public interface IHeldConnection
{
    Task Completion { get; }
    /// <summary>Sends the echo message; <paramref name="sentAt"/> comes back in <see cref="Echoed"/>.</summary>
    Task SendEchoAsync(long sentAt, CancellationToken ct);
    Task KeepAliveAsync(CancellationToken ct);
    Task CloseAsync();
}

public static class Targets
{
    public static TargetKind Parse(string value) => value.ToLowerInvariant() switch
    {
        "heartrule" or "gateway" => TargetKind.HeartRule,
        "heartrule-kept-alive" => TargetKind.HeartRuleKeptAlive,
        "signalr" => TargetKind.SignalR,
        "raw" => TargetKind.Raw,
        _ => throw new ArgumentException($"--target is heartrule, heartrule-kept-alive, signalr or raw, not {value}."),
    };

    // A server URL with a path (e.g. the baseline's /raw) is used as it is; otherwise the Gateway's /ws.
    public static Uri WebSocketUri(Uri server) => new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = server.AbsolutePath.Length > 1 ? server.AbsolutePath : "/ws" }.Uri;
}

/// <summary>A Gateway socket. Its echo is the protocol's ping → pong, answered by the Gateway itself.</summary>
public sealed class HeartRuleHeld : IHeldConnection
{
    private static readonly byte[] Ping = "{\"type\":\"ping\"}"u8.ToArray();
    private readonly LoadSocket _socket;
    private readonly Queue<long> _inFlight = new();

    private HeartRuleHeld(LoadSocket socket) => _socket = socket;

    public Task Completion => _socket.Completion;

    /// <summary>Called with the send time of each answered echo (pongs come back in order), or a negative value for an error frame.</summary>
    public Action<long>? Echoed { get; set; }

    public static async Task<HeartRuleHeld> ConnectAsync(Uri server, string token, HttpMessageInvoker invoker, CancellationToken ct)
    {
        HeartRuleHeld? held = null;
        var socket = await LoadSocket.ConnectAsync(Targets.WebSocketUri(server), token, invoker, (_, frame) => held?.OnFrame(frame), ct);
        held = new HeartRuleHeld(socket);
        return held;
    }

    public async Task SendEchoAsync(long sentAt, CancellationToken ct)
    {
        lock (_inFlight) _inFlight.Enqueue(sentAt);
        await _socket.SendAsync(Ping, ct);
    }

    public Task KeepAliveAsync(CancellationToken ct) => _socket.IsOpen ? _socket.SendAsync(Ping, ct) : Task.CompletedTask;

    public Task CloseAsync() => _socket.CloseAsync();

    private void OnFrame(ReadOnlySpan<byte> frame)
    {
        var pong = FrameSniffer.TypeIs(frame, "pong"u8);
        if (!pong && !FrameSniffer.TypeIs(frame, "error"u8)) return;
        long sentAt;
        lock (_inFlight)
        {
            // Keep-alive pings are not queued; their pongs find an empty queue and are dropped.
            if (!_inFlight.TryDequeue(out sentAt)) return;
        }
        Echoed?.Invoke(pong ? sentAt : -1);
    }
}

/// <summary>A SignalR hub connection to the baseline; its echo is a hub call answered with a message of the same size.</summary>
public sealed class SignalRHeld : IHeldConnection
{
    private readonly HubConnection _connection;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _padding;

    private SignalRHeld(HubConnection connection, int payloadBytes)
    {
        _connection = connection;
        _padding = new string('x', Math.Max(0, payloadBytes - 20));
        connection.Closed += _ =>
        {
            _closed.TrySetResult();
            return Task.CompletedTask;
        };
        connection.On<string>("echo", payload =>
        {
            var end = payload.IndexOf(':');
            if (end > 0 && long.TryParse(payload.AsSpan(0, end), out var sentAt)) Echoed?.Invoke(sentAt);
        });
    }

    public Task Completion => _closed.Task;
    public Action<long>? Echoed { get; set; }

    public static async Task<SignalRHeld> ConnectAsync(Uri server, HttpMessageInvoker invoker, int payloadBytes, CancellationToken ct) =>
        new(await SignalRConnector.ConnectAsync(SignalRConnector.HubUri(server), invoker, ct), payloadBytes);

    public Task SendEchoAsync(long sentAt, CancellationToken ct) =>
        _connection.SendAsync("Echo", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{sentAt}:{_padding}"), ct);

    // The client library pings by itself (every 15 s by default).
    public Task KeepAliveAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task CloseAsync()
    {
        try
        {
            await _connection.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException)
        {
            // Already gone.
        }
    }
}

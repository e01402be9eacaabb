using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using HeartRule.Client;
using HeartRule.Infrastructure;
using HeartRule.Protocol;

namespace HeartRule.Play;

/// <summary>
/// The load-test check-in (sixteen questions, one per turn) over the given WebSocket URL; with <c>--pod-command</c>,
/// every service's pods are stopped and started again during its turns, one after the other: the pod is stopped
/// (<c>CMD stop-pod NAME</c>: SIGTERM, its grace period), an input is sent while it is down, and the pod is started
/// again (<c>CMD start-pod NAME</c>, which returns once it is ready) while that turn waits for it. The SDK's connection
/// carries the conversation across: a socket closed by a stopping gateway (1012) is replaced, the session attached
/// again from the last seq seen, an input not acknowledged sent again.
/// Then: every message arrived once, in order, each input once, and the stored transcript is the same; and 200
/// WebSocket opens interleaved with HTTP requests on kept-alive connections are all accepted.
/// </summary>
public static class Converse
{
    private const string ScriptId = "loadtest";
    private static readonly string[] Inputs = [.. Enumerable.Range(1, 16).Select(n => $"Answer {n}: a long week, and I slept badly.")];

    /// <summary>Each service's pods, a gateway first so that the socket moves early; a turn each.</summary>
    private static readonly string[] Pods = ["gateway", "sessions", "gateway-2", "scriptengine", "persistence"];

    private static readonly TimeSpan TurnTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string url, string signingKey, string? podCommand)
    {
        var ws = new Uri(url);
        var https = new UriBuilder(ws) { Scheme = ws.Scheme == "wss" ? "https" : "http", Path = "" }.Uri;
        var token = new DevTokenIssuer(new AuthOptions { SigningKey = signingKey }).Issue("play-user", TimeSpan.FromHours(1), roles: [Roles.Client]);
        // The certificate is the play's own, made for this run: trust it here and nowhere else.
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        await using var conversation = new Conversation(ws, token);
        var clock = Stopwatch.StartNew();

        var (sessionId, first) = await conversation.StartAsync(ScriptId);
        Report($"session {sessionId}: turn 1 ({first.Messages.Count} messages)");
        var pods = podCommand is null ? [] : Pods;
        for (var i = 0; i < Inputs.Length; i++)
        {
            var during = "";
            Task<TimeSpan>? starting = null;
            if (i < pods.Length)
            {
                var stopped = await PodAsync(podCommand!, "stop-pod", pods[i]);
                starting = PodAsync(podCommand!, "start-pod", pods[i]);
                during = $" ({pods[i]} stopped in {stopped.TotalSeconds:F1} s; sent while it was down";
            }
            var turn = await conversation.SayAsync(sessionId, Inputs[i]);
            if (starting is not null) during += $", started and ready in {(await starting).TotalSeconds:F1} s)";
            Report($"turn {i + 2}{during}: {turn.Completed.ExecutionStatus}, {string.Join(" | ", turn.Messages.Where(m => m.Role == "assistant").Select(m => m.Content))}");
        }

        var seen = conversation.Messages;
        Check(seen.Select(m => m.Seq).Distinct().Count() == seen.Count, "a message arrived twice");
        Check(seen.Select(m => m.Seq).Order().SequenceEqual(seen.Select(m => m.Seq)), "messages arrived out of order");
        Check(seen.Where(m => m.Role == "user").Select(m => m.Content).SequenceEqual(Inputs), "an input was lost, doubled or reordered");
        Check(pods.Length == 0 || conversation.Restarts > 0, "no socket was closed by a stopping gateway: the gateways' restarts proved nothing");
        var stored = await StoredAsync(https, handler, token, sessionId);
        Check(stored.SequenceEqual(seen.Select(m => (m.Seq, m.Role, m.Content))),
            $"the stored transcript differs from what the client saw:\n  stored {string.Join(", ", stored)}\n  seen   {string.Join(", ", seen.Select(m => (m.Seq, m.Role, m.Content)))}");
        Report($"conversation: {seen.Count} messages, each once and in order, each input once, stored the same; {conversation.Restarts} socket(s) moved to another gateway");

        var refused = await InterleavedAsync(ws, https, handler, token, 200);
        Check(refused == 0, $"{refused} of 200 WebSocket opens interleaved with HTTP requests were refused");
        Report($"200 WebSocket opens interleaved with HTTP requests: none refused ({clock.Elapsed.TotalSeconds:F0} s in all)");
        return 0;
    }

    /// <summary>Runs <c>CMD ACTION POD</c> (eng/deploy.sh stop-pod or start-pod); how long it took.</summary>
    private static async Task<TimeSpan> PodAsync(string command, string action, string pod)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start("bash", ["-c", $"{command} {action} {pod}"]);
        await process.WaitForExitAsync();
        Check(process.ExitCode == 0, $"{action} {pod} failed");
        return clock.Elapsed;
    }

    private static async Task<List<(long, string, string)>> StoredAsync(Uri https, HttpMessageHandler handler, string token, Guid sessionId)
    {
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = https };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // Persistence writes turns in batches: wait for the last one.
        for (var attempt = 0; ; attempt++)
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync($"/api/sessions/{sessionId}/messages?limit=500"));
            var items = document.RootElement.GetProperty("items").EnumerateArray()
                .Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList();
            if (items.Count(m => m.Item2 == "user") == Inputs.Length || attempt == 50) return items;
            await Task.Delay(200);
        }
    }

    /// <summary>WebSocket opens and API requests, alternated, so that nginx reuses kept-alive upstream connections for upgrades.</summary>
    private static async Task<int> InterleavedAsync(Uri ws, Uri https, HttpMessageHandler handler, string token, int count)
    {
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = https };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var refused = 0;
        for (var i = 0; i < count; i++)
        {
            using (var response = await http.GetAsync("/api/scripts")) Check(response.IsSuccessStatusCode, $"GET /api/scripts: {(int)response.StatusCode}");
            try
            {
                await using var client = await HeartRuleClient.ConnectAsync(ws, token, configure: o => o.RemoteCertificateValidationCallback = (_, _, _, _) => true);
                await client.CloseAsync();
            }
            catch (WebSocketException)
            {
                refused++;
            }
        }
        return refused;
    }

    private static void Check(bool condition, string failure)
    {
        if (!condition) throw new InvalidOperationException(failure);
    }

    private static void Report(string line) => Console.WriteLine($"converse: {line}");

    /// <summary>One user's conversation on one session, carried from socket to socket when a gateway closes one.</summary>
    private sealed class Conversation(Uri url, string token) : IAsyncDisposable
    {
        private HeartRuleConnection? _connection;

        public List<MessageFrame> Messages { get; } = [];

        /// <summary>Sockets closed by a restarting gateway (1012), each replaced by the connection.</summary>
        public int Restarts { get; private set; }

        public async Task<(Guid, Turn)> StartAsync(string scriptId)
        {
            using var timeout = new CancellationTokenSource(TurnTimeout);
            _connection = await HeartRuleConnection.ConnectAsync(new HeartRuleConnectionOptions
            {
                Gateways = [url],
                AccessToken = _ => Task.FromResult(token),
                ConfigureSocket = o => o.RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, timeout.Token);
            var sessionId = await _connection.StartAsync(scriptId, ct: timeout.Token);
            return (sessionId, await ReadTurnAsync(timeout.Token));
        }

        /// <summary>One input and its turn, however many sockets they take.</summary>
        public async Task<Turn> SayAsync(Guid sessionId, string text)
        {
            using var timeout = new CancellationTokenSource(TurnTimeout);
            await _connection!.SendAsync(sessionId, text, ct: timeout.Token);
            return await ReadTurnAsync(timeout.Token);
        }

        private async Task<Turn> ReadTurnAsync(CancellationToken ct)
        {
            var messages = new List<MessageFrame>();
            while (true)
            {
                switch (await _connection!.Events.ReadAsync(ct))
                {
                    case MessageReceived m:
                        messages.Add(m.Message);
                        Messages.Add(m.Message);
                        break;
                    case TurnEnded t:
                        return new Turn(messages, t.Turn);
                    case Disconnected d:
                        if (d.CloseStatus == (WebSocketCloseStatus)1012) Restarts++;
                        Report($"socket closed ({d.CloseStatus?.ToString() ?? "lost"}); reconnecting");
                        break;
                    case ErrorReceived e:
                        throw new InvalidDataException($"error frame {e.Error.Code}: {e.Error.Message}");
                }
            }
        }

        public ValueTask DisposeAsync() => _connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private sealed record Turn(IReadOnlyList<MessageFrame> Messages, TurnCompletedFrame Completed);
}

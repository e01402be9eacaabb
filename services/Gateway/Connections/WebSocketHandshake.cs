using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.WebSockets;
using HeartRule.Localization;
using HeartRule.Protocol;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// <c>GET /ws</c>, taken on the connection rather than as an HTTP request. An ASP.NET Core WebSocket is a request
/// that never ends, and keeps its request state (HttpContext, features, authentication result, routing, trace,
/// DI scope) for the socket's life; here the handshake reads and answers the head itself, and the socket keeps
/// only its transport, the WebSocket and its <see cref="ClientConnection"/>. Every other connection goes on,
/// unread, to Kestrel's HTTP: the pages, the API proxy, health checks, and TLS or HTTP/2 on the same port.
/// </summary>
public sealed class WebSocketHandshake(
    ConnectionDelegate next,
    GatewayOptions options,
    HandshakeJudge judge,
    ConnectionLimits limits,
    WebSocketEndpoint endpoint,
    IOptions<KestrelServerOptions> kestrel,
    GatewayMetrics metrics,
    ILogger<WebSocketHandshake> logger)
{
    /// <summary>Closing with unread bytes makes TCP reset the connection, which can destroy a refusal before the client reads it.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(2);

    // Before its first byte a connection may be an HTTP client that connected early: it gets as long as Kestrel would give it.
    private readonly TimeSpan _firstByteTimeout = kestrel.Value.Limits.KeepAliveTimeout;

    private enum Outcome { NotWebSocket, Closed, Accepted }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        // The handshake runs in its own frame, so its buffers, strings and token are garbage once the socket runs.
        var (outcome, socket, user, locale) = await HandshakeAsync(connection);
        if (outcome == Outcome.Accepted) await endpoint.RunAsync(socket!, user!, locale);
        else if (outcome == Outcome.NotWebSocket) await next(connection);
    }

    private async Task<(Outcome, WebSocket?, TokenUser?, string Locale)> HandshakeAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(_firstByteTimeout);
        long examined = 0;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                // From its first bytes on, the head must be complete within the handshake timeout (slowloris).
                if (examined == 0) timeout.CancelAfter(options.HandshakeTimeout);
                switch (RequestHeadScanner.Scan(buffer, out var headLength))
                {
                    case HeadScan.NotWebSocket:
                        // Examined no further than before: HTTP's first read returns at once, with every byte.
                        input.AdvanceTo(buffer.Start, buffer.GetPosition(examined));
                        return (Outcome.NotWebSocket, null, null, Catalogue.DefaultLocale);
                    case HeadScan.Incomplete when result.IsCompleted:
                        input.AdvanceTo(buffer.End);
                        return (Outcome.Closed, null, null, Catalogue.DefaultLocale);
                    case HeadScan.Incomplete:
                        examined = buffer.Length;
                        input.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    case HeadScan.TooLarge:
                        input.AdvanceTo(buffer.End);
                        // Too large to read: its Accept-Language is not known.
                        await RefuseAsync(connection.Transport, HandshakeRejection.HeadTooLarge, Catalogue.DefaultLocale, linger: true);
                        return (Outcome.Closed, null, null, Catalogue.DefaultLocale);
                    default:
                        var request = Parse(buffer.Slice(0, headLength));
                        var pipelined = buffer.Length > headLength;
                        // Whatever follows the head (a first frame sent with it) stays for the WebSocket.
                        input.AdvanceTo(buffer.GetPosition(headLength));
                        return await AnswerAsync(connection.Transport, request, pipelined, timeout.Token);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            logger.LogDebug("WebSocket handshake timed out");
            // A connection that never sent a byte was no handshake (an idle HTTP client, a probe).
            if (examined > 0) metrics.HandshakeTimedOut();
            return (Outcome.Closed, null, null, Catalogue.DefaultLocale);
        }
        catch (Exception ex) when (ex is IOException or ConnectionAbortedException)
        {
            // The client went away mid-handshake.
            return (Outcome.Closed, null, null, Catalogue.DefaultLocale);
        }
    }

    private static HandshakeRequest? Parse(ReadOnlySequence<byte> head)
    {
        if (head.IsSingleSegment) return HandshakeRequest.Parse(head.FirstSpan);
        var copy = ArrayPool<byte>.Shared.Rent((int)head.Length);
        try
        {
            head.CopyTo(copy);
            return HandshakeRequest.Parse(copy.AsSpan(0, (int)head.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private async Task<(Outcome, WebSocket?, TokenUser?, string Locale)> AnswerAsync(IDuplexPipe transport, HandshakeRequest? request, bool pipelined, CancellationToken ct)
    {
        var locale = request?.Locale() ?? Catalogue.DefaultLocale;
        // For the handshake only: an activity kept for the socket's life would cost every socket its memory.
        using var activity = StartActivity(request?.TraceParent);
        var (rejection, user) = request is null ? (HandshakeRejection.Malformed, null) : await judge.JudgeAsync(request, ct);
        activity?.SetTag(GatewayMetrics.StatusTag, rejection?.Status ?? StatusCodes.Status101SwitchingProtocols);
        if (rejection is not null) activity?.SetTag(GatewayMetrics.ReasonTag, rejection.Reason);
        if (rejection is not null)
        {
            logger.LogDebug("WebSocket handshake refused with {Status}: {Reason}", rejection.Status, rejection.Reason);
            await RefuseAsync(transport, rejection, locale, pipelined);
            return (Outcome.Closed, null, null, locale);
        }
        try
        {
            HandshakeResponses.WriteSwitchingProtocols(transport.Output, request!.Key!);
            await transport.Output.FlushAsync(ct);
        }
        catch
        {
            limits.Close(user!.UserId);
            throw;
        }
        var socket = WebSocket.CreateFromStream(new TransportStream(transport), new WebSocketCreationOptions
        {
            IsServer = true,
            SubProtocol = ProtocolJson.SubProtocol,
            KeepAliveInterval = options.KeepAliveInterval,
        });
        return (Outcome.Accepted, socket, user, locale);
    }

    private static Activity? StartActivity(string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = GatewayActivities.Source.StartActivity(GatewayActivities.Handshake, ActivityKind.Server, parent);
        activity?.SetTag("http.request.method", "GET");
        activity?.SetTag("url.path", WebSocketEndpoint.Path);
        return activity;
    }

    private async Task RefuseAsync(IDuplexPipe transport, HandshakeRejection rejection, string locale, bool linger)
    {
        metrics.HandshakeRefused(rejection);
        HandshakeResponses.WriteRejection(transport.Output, rejection, locale);
        await transport.Output.FlushAsync();
        if (!linger) return;
        using var lingering = new CancellationTokenSource(Linger);
        try
        {
            while (true)
            {
                var result = await transport.Input.ReadAsync(lingering.Token);
                transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) return;
            }
        }
        catch (OperationCanceledException)
        {
            // The client kept sending; it has had its moment to read the answer.
        }
    }
}

using System.Net.WebSockets;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// A handshake on <see cref="WebSocketEndpoint.Path"/> that <see cref="WebSocketHandshake"/> could not take on the
/// connection because HTTP had it already: one that came after other requests on a kept-alive connection, as a
/// reverse proxy with upstream keep-alive sends them (ingress-nginx does by default). Judged the same way and served
/// by ASP.NET Core's WebSocket support, at the cost of the request's state kept for the socket's life. HTTP/2,
/// HTTP/1.0 and requests without an upgrade get the handshake's refusal.
/// </summary>
public static class WebSocketFallback
{
    public static IEndpointRouteBuilder MapWebSocketFallback(this IEndpointRouteBuilder app)
    {
        app.MapGet(WebSocketEndpoint.Path, async (HttpContext http, HandshakeJudge judge, ConnectionLimits limits, WebSocketEndpoint endpoint,
            GatewayOptions options, GatewayMetrics metrics) =>
        {
            var request = HandshakeRequest.From(http.Request);
            var (rejection, user) = http.Request.Protocol == "HTTP/1.1"
                ? await judge.JudgeAsync(request, http.RequestAborted)
                : (HandshakeRejection.NotHttp11, null);
            var locale = request.Locale();
            if (rejection is not null)
            {
                metrics.HandshakeRefused(rejection);
                http.Response.StatusCode = rejection.Status;
                foreach (var line in (rejection.Headers ?? "").Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
                {
                    var colon = line.IndexOf(':');
                    http.Response.Headers.Append(line[..colon], line[(colon + 1)..].Trim());
                }
                await Problems.WriteAsync(http, rejection.Problem(locale));
                return;
            }
            WebSocket socket;
            try
            {
                socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
                {
                    SubProtocol = ProtocolJson.SubProtocol,
                    KeepAliveInterval = options.KeepAliveInterval,
                });
            }
            catch
            {
                limits.Close(user!.UserId);
                throw;
            }
            await endpoint.RunAsync(socket, user!, locale);
        });
        return app;
    }
}

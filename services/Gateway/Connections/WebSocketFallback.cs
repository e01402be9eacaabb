using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// What reaches the HTTP pipeline on <see cref="WebSocketEndpoint.Path"/> is not something
/// <see cref="WebSocketHandshake"/> could take: HTTP/2, HTTP/1.0, TLS it saw encrypted, or a request that came
/// after others on a kept-alive connection.
/// </summary>
public static class WebSocketFallback
{
    public static IEndpointRouteBuilder MapWebSocketFallback(this IEndpointRouteBuilder app)
    {
        app.Map(WebSocketEndpoint.Path, (HttpContext http) =>
        {
            // A client that reused a connection gets in on a new one.
            http.Response.Headers.Connection = "close";
            return Problems.Result(http, ErrorCodes.ValidationFailed, LocalText.Of("error.handshake.notHttp11"));
        });
        return app;
    }
}

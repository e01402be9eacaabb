using HeartRule.Contracts;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// Why a WebSocket handshake was refused: a short name for metrics, the HTTP status, the HeartRule error code and
/// message of the problem body, and any header the status calls for (written as complete header lines).
/// </summary>
public sealed record HandshakeRejection(string Reason, int Status, string Code, string Message, string? Headers = null)
{
    public static readonly HandshakeRejection Malformed =
        new("malformed", StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, "The request head is not valid HTTP/1.1.");

    public static readonly HandshakeRejection HeadTooLarge =
        new("head_too_large", StatusCodes.Status431RequestHeaderFieldsTooLarge, ErrorCodes.PayloadTooLarge,
            $"The handshake's request head is limited to {RequestHeadScanner.MaxHeadBytes / 1024} KiB.");

    public static readonly HandshakeRejection NotAnUpgrade =
        new("not_an_upgrade", StatusCodes.Status426UpgradeRequired, ErrorCodes.ValidationFailed,
            $"This endpoint speaks WebSocket (subprotocol {ProtocolJson.SubProtocol}): send \"Upgrade: websocket\" and \"Connection: Upgrade\".");

    public static readonly HandshakeRejection NotHttp11 =
        new("not_http11", StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed,
            "WebSockets are served as HTTP/1.1 upgrades on the gateway's plaintext listener; TLS terminates in front of the gateway (e.g. at the ingress).");

    public static readonly HandshakeRejection UnsupportedVersion =
        new("unsupported_version", StatusCodes.Status426UpgradeRequired, ErrorCodes.ValidationFailed, "Only WebSocket version 13 (RFC 6455) is supported.",
            "Sec-WebSocket-Version: 13\r\n");

    public static readonly HandshakeRejection InvalidKey =
        new("invalid_key", StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, "Sec-WebSocket-Key must be the base64 of 16 bytes.");

    public static readonly HandshakeRejection NoSubprotocol =
        new("no_subprotocol", StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, $"Request the WebSocket subprotocol \"{ProtocolJson.SubProtocol}\".");

    public static readonly HandshakeRejection ForeignOrigin =
        new("foreign_origin", StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Pages of this origin may not open a HeartRule socket.");

    public static readonly HandshakeRejection ShuttingDown =
        new("shutting_down", StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "This gateway node is shutting down; connect to another.");

    public static readonly HandshakeRejection TokenCheckFailed =
        new("token_check_failed", StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "The access token could not be checked; retry in a moment.");

    public static HandshakeRejection TooManyConnections(int max) =>
        new("too_many_connections", StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, $"At most {max} connections per user; close one first.");

    /// <param name="failure">Why the token was refused; null when there was none.</param>
    public static HandshakeRejection Unauthorized(Exception? failure)
    {
        var (challenge, message) = Infrastructure.BearerChallenge.For(failure);
        return new(failure is null ? "no_token" : "invalid_token", StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message, $"WWW-Authenticate: {challenge}\r\n");
    }
}

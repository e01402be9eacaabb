using HeartRule.Contracts;
using HeartRule.Localization;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// Why a WebSocket handshake was refused: a short name for metrics, the HTTP status, the HeartRule error code and
/// message of the problem body (worded in the handshake's language when it is written), and any header the status
/// calls for (written as complete header lines).
/// </summary>
public sealed record HandshakeRejection(string Reason, int Status, string Code, LocalText Message, string? Headers = null)
{
    /// <summary>The problem document of the refusal, in the handshake's language: the same on either way a handshake arrives.</summary>
    public Infrastructure.HeartRuleProblem Problem(string locale) =>
        Infrastructure.Problems.Create(Code, Message, status: Status, locale: locale) with { Instance = WebSocketEndpoint.Path };

    public static readonly HandshakeRejection Malformed =
        new("malformed", StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, LocalText.Of("error.handshake.malformed"));

    public static readonly HandshakeRejection HeadTooLarge =
        new("head_too_large", StatusCodes.Status431RequestHeaderFieldsTooLarge, ErrorCodes.PayloadTooLarge,
            LocalText.Of("error.handshake.headTooLarge", ("kib", RequestHeadScanner.MaxHeadBytes / 1024)));

    public static readonly HandshakeRejection NotAnUpgrade =
        new("not_an_upgrade", StatusCodes.Status426UpgradeRequired, ErrorCodes.ValidationFailed,
            LocalText.Of("error.handshake.notAnUpgrade", ("protocol", ProtocolJson.SubProtocol)));

    public static readonly HandshakeRejection NotHttp11 =
        new("not_http11", StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed,
            LocalText.Of("error.handshake.notHttp11"));

    public static readonly HandshakeRejection UnsupportedVersion =
        new("unsupported_version", StatusCodes.Status426UpgradeRequired, ErrorCodes.ValidationFailed, LocalText.Of("error.handshake.version"),
            "Sec-WebSocket-Version: 13\r\n");

    public static readonly HandshakeRejection InvalidKey =
        new("invalid_key", StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, LocalText.Of("error.handshake.key"));

    public static readonly HandshakeRejection NoSubprotocol =
        new("no_subprotocol", StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed,
            LocalText.Of("error.handshake.subprotocol", ("protocol", ProtocolJson.SubProtocol)));

    public static readonly HandshakeRejection ForeignOrigin =
        new("foreign_origin", StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, LocalText.Of("error.handshake.origin"));

    public static readonly HandshakeRejection ShuttingDown =
        new("shutting_down", StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, LocalText.Of("error.handshake.shuttingDown"));

    public static readonly HandshakeRejection TokenCheckFailed =
        new("token_check_failed", StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, LocalText.Of("error.handshake.tokenCheck"));

    public static HandshakeRejection TooManyConnections(int max) =>
        new("too_many_connections", StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, LocalText.Of("error.handshake.tooMany", ("max", max)));

    /// <param name="locale">The <c>locale</c> parameter, which is not a BCP 47 tag.</param>
    public static HandshakeRejection InvalidLocale(string locale) =>
        new("invalid_locale", StatusCodes.Status400BadRequest, ErrorCodes.ValidationFailed, LocalText.Of("error.notALocale", ("field", "locale"), ("value", locale)));

    /// <param name="failure">Why the token was refused; null when there was none.</param>
    public static HandshakeRejection Unauthorized(Exception? failure)
    {
        var (challenge, message) = Infrastructure.BearerChallenge.For(failure);
        return new(failure is null ? "no_token" : "invalid_token", StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message, $"WWW-Authenticate: {challenge}\r\n");
    }
}

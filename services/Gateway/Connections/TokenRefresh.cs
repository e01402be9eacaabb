using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// auth.refresh: a socket takes a new token, checked exactly as a handshake's (signature, issuer, audience,
/// lifetime), for the same user — a socket never changes hands. Its roles and expiry are the new token's.
/// </summary>
public sealed class TokenRefresh(BearerTokenValidator validator, ILogger<TokenRefresh> logger)
{
    public async Task RefreshAsync(ClientConnection connection, AuthRefreshFrame frame)
    {
        var (user, failure) = await validator.ValidateUserAsync(frame.Token, connection.Closed);
        if (user is null)
        {
            connection.SendError(ErrorCodes.Unauthorized,
                LocalText.Of("error.refreshRefused", ("reason", BearerChallenge.For(failure).Message.In(connection.Locale))), frame.RequestId);
            return;
        }
        if (user.UserId != connection.UserId)
        {
            logger.LogWarning("Connection {ConnectionId} of user {UserId} offered a token of another user", connection.Id, connection.UserId);
            connection.SendError(ErrorCodes.Forbidden, LocalText.Of("error.refreshOtherUser"), frame.RequestId);
            return;
        }
        connection.User = user;
        connection.Send(new AuthRefreshedFrame { RequestId = frame.RequestId, ExpiresAt = user.ExpiresAt });
    }
}

/// <summary>
/// A token is checked at the handshake, and a socket must not outlive it: each socket is warned
/// (auth.expiring) <see cref="GatewayOptions.TokenExpiryWarning"/> before its token expires, and closed with
/// <see cref="TokenExpired"/> when it has, unless an auth.refresh came in between.
/// </summary>
public sealed class TokenExpirySweeper(ConnectionRegistry connections, GatewayOptions options, TimeProvider time, ILogger<TokenExpirySweeper> logger) : BackgroundService
{
    /// <summary>A private close code (4000–4999): the token expired; reconnect with a new one.</summary>
    public const System.Net.WebSockets.WebSocketCloseStatus TokenExpired = (System.Net.WebSockets.WebSocketCloseStatus)4001;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.TokenCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = time.GetUtcNow();
            foreach (var connection in connections.All)
            {
                if (connection.User is not { } user || connection.IsClosed) continue;
                if (now >= user.ExpiresAt)
                {
                    logger.LogDebug("Connection {ConnectionId}: its token expired; closing it", connection.Id);
                    connection.RequestClose(TokenExpired, "token expired");
                }
                else if (now >= user.ExpiresAt - options.TokenExpiryWarning && connection.WarnedExpiry != user.ExpiresAt)
                {
                    connection.WarnedExpiry = user.ExpiresAt;
                    connection.Send(new AuthExpiringFrame { ExpiresAt = user.ExpiresAt });
                }
            }
        }
    }
}

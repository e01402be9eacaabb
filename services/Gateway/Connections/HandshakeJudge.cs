namespace HeartRule.Gateway.Connections;

/// <summary>
/// Whether a WebSocket handshake may open a socket, the same for both ways one arrives: taken on the connection
/// (<see cref="WebSocketHandshake"/>) or through HTTP (<see cref="WebSocketFallback"/>). On success the socket is
/// counted against its user's limit.
/// </summary>
public sealed class HandshakeJudge(
    OriginPolicy origins,
    BearerTokenValidator tokens,
    ConnectionLimits limits,
    GatewayOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<HandshakeJudge> logger)
{
    /// <summary>In the documented order; the origin before the token, so a foreign page gets 403 whatever token it holds.</summary>
    public async Task<(HandshakeRejection?, TokenUser?)> JudgeAsync(HandshakeRequest request, CancellationToken ct)
    {
        if (request.Check() is { } invalid) return (invalid, null);
        if (!origins.IsAllowed(request.Origin, request.Host!)) return (HandshakeRejection.ForeignOrigin, null);
        if (request.AccessToken() is not { } token) return (HandshakeRejection.Unauthorized(null), null);
        TokenUser? user;
        Exception? failure;
        try
        {
            (user, failure) = await tokens.ValidateUserAsync(token, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // E.g. the identity provider's keys could not be fetched: what the HTTP pipeline answered with 500.
            logger.LogError(ex, "Validating a WebSocket handshake's token failed");
            return (HandshakeRejection.TokenCheckFailed, null);
        }
        if (user is null)
        {
            logger.LogDebug("WebSocket handshake token refused: {Failure}", failure?.GetType().Name);
            return (HandshakeRejection.Unauthorized(failure), null);
        }
        if (lifetime.ApplicationStopping.IsCancellationRequested) return (HandshakeRejection.ShuttingDown, null);
        if (!limits.TryOpen(user.UserId)) return (HandshakeRejection.TooManyConnections(options.MaxConnectionsPerUser), null);
        return (null, user);
    }
}

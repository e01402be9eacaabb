namespace HeartRule.Gateway.Connections;

/// <summary>
/// Refuses WebSocket handshakes from pages of other sites (cross-site WebSocket hijacking): a browser always
/// sends Origin, and a cookie-less token does not make a foreign page harmless if it holds one.
/// Clients that are not browsers send no Origin and are judged by their token alone.
/// </summary>
public sealed class OriginPolicy(GatewayOptions options)
{
    /// <param name="origin">The Origin header, if any.</param>
    /// <param name="host">The Host header: the gateway's own origin, as the client addressed it.</param>
    public bool IsAllowed(string? origin, string host)
    {
        if (string.IsNullOrEmpty(origin)) return true;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Authority, host, StringComparison.OrdinalIgnoreCase)) return true;
        return options.AllowedOrigins.Any(allowed => string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }
}

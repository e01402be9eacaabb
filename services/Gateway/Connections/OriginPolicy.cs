namespace HeartRule.Gateway.Connections;

/// <summary>
/// Refuses WebSocket handshakes from pages of other sites (cross-site WebSocket hijacking): a browser always
/// sends Origin, and a cookie-less token does not make a foreign page harmless if it holds one.
/// Clients that are not browsers send no Origin and are judged by their token alone.
/// </summary>
public sealed class OriginPolicy(GatewayOptions options)
{
    public bool IsAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin)) return true;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)) return true;
        return options.AllowedOrigins.Any(allowed => string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }
}

public static class OriginPolicyExtensions
{
    /// <summary>Checked before authentication: a foreign page gets 403 whatever token it carries.</summary>
    public static IApplicationBuilder UseOriginPolicy(this IApplicationBuilder app, PathString path) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(path)
                && !context.RequestServices.GetRequiredService<OriginPolicy>().IsAllowed(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            await next();
        });
}

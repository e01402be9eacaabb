namespace HeartRule.Gateway.Routing;

/// <summary>Renews this node's claims in the connection map; without it they lapse and the node stops receiving.</summary>
public sealed class RouteHeartbeat(LocalSubscriptions local, SessionRoutes routes, GatewayOptions options, ILogger<RouteHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await routes.ClaimManyAsync(local.Sessions.ToList());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Renewing the session routes failed; retrying at the next beat");
            }
        }
    }
}

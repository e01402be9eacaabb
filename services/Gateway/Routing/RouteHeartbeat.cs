namespace HeartRule.Gateway.Routing;

/// <summary>
/// Renews this node's claims in the connection map; without it they lapse and the node stops receiving. A claim it
/// finds gone (Redis lost its data) may have cost the node a turn's events meanwhile, routed to nobody: the sockets on
/// those sessions catch up from the event log (or the stored transcript).
/// </summary>
public sealed class RouteHeartbeat(LocalSubscriptions local, SessionRoutes routes, GatewayOptions options, ILogger<RouteHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var lost = await routes.ClaimManyAsync(local.Sessions.ToList());
                if (lost.Count > 0)
                {
                    logger.LogWarning("The routes of {SessionCount} session(s) were gone; catching their sockets up", lost.Count);
                    await local.CatchUpAsync(lost, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Renewing the session routes failed; retrying at the next beat");
            }
        }
    }
}

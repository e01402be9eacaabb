namespace HeartRule.Gateway.Connections;

/// <summary>
/// Closes sockets that have sent nothing — not even a ping — for the idle timeout: a peer that vanished
/// without closing would otherwise hold its resources until TCP noticed, which can take hours.
/// </summary>
public sealed class IdleSweeper(ConnectionRegistry connections, GatewayOptions options, TimeProvider time, ILogger<IdleSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(options.IdleTimeout.TotalSeconds / 4, 1, 15)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var cutoff = time.GetUtcNow() - options.IdleTimeout;
            foreach (var connection in connections.All)
            {
                if (connection.LastReceivedAt >= cutoff) continue;
                logger.LogInformation("Connection {ConnectionId} idle since {LastReceivedAt}; closing it", connection.Id, connection.LastReceivedAt);
                connection.RequestClose(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "idle timeout");
            }
        }
    }
}

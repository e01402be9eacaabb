using HeartRule.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HeartRule.Gateway.Routing;

/// <summary>
/// Earlier releases routed every turn through a durable queue the gateways shared. Frames now reach the nodes through
/// Redis (<see cref="NodeChannelListener"/>), but on a broker upgraded in place that queue would stay bound to the turn's
/// exchange with nobody reading it, and collect every turn for ever. Deleted once no older gateway reads it any more
/// (RabbitMQ's if-unused: while one does, the delete is refused and tried again later).
/// </summary>
public sealed class RetiredRouterQueue(IConfiguration configuration, ILogger<RetiredRouterQueue> logger) : BackgroundService
{
    public const string Name = "gateway-router";
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(configuration.GetConnectionString(MessagingExtensions.ConnectionName)!) };
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await factory.CreateConnectionAsync("heartrule-gateway-retired-queue", stoppingToken);
                await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                var messages = await channel.QueueDeleteAsync(Name, ifUnused: true, ifEmpty: false, cancellationToken: stoppingToken);
                if (messages > 0) logger.LogInformation("Deleted the retired queue {Queue} with {Count} message(s) nobody read", Name, messages);
                return;
            }
            catch (Exception ex) when (ex is OperationInterruptedException or BrokerUnreachableException or AlreadyClosedException)
            {
                // An older gateway still reads it (the delete is refused), or the broker is not there yet.
                logger.LogDebug(ex, "The retired queue {Queue} could not be deleted yet", Name);
            }
            await Task.Delay(RetryInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

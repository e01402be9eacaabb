using MassTransit;

namespace HeartRule.Gateway.Routing;

/// <summary>
/// The node's queue is deleted with its broker connection. Whatever the routers sent to it between the loss and
/// the queue being declared again is gone, but it is in the event log: each time the queue is back, every socket
/// catches up from there, so a broker restart loses no event for a socket that stayed open.
/// </summary>
public sealed class NodeQueueObserver(LocalSubscriptions local, ILogger<NodeQueueObserver> logger) : IReceiveEndpointObserver
{
    private int _readyCount;

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (!ready.IsStarted || Interlocked.Increment(ref _readyCount) == 1) return Task.CompletedTask;
        logger.LogInformation("Node queue {Queue} is back; catching up {SessionCount} session(s) from the event log", ready.InputAddress, local.Sessions.Count);
        // Not awaited: the transport is waiting on this observer before it delivers anything new.
        _ = Task.Run(() => local.CatchUpAllAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;
    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}

namespace HeartRule.Infrastructure;

/// <summary>
/// The queues Sessions reads its commands from. A session's commands always go to the same partition queue,
/// and each partition queue has a single active consumer: whichever Sessions instances run, one session's
/// inputs are handled one at a time, in the order they were accepted. When the active instance dies, the
/// broker hands the queue — unacknowledged messages first, in order — to another instance.
/// </summary>
public static class SessionQueues
{
    /// <summary>Fixed: senders and consumers must agree, so changing it is a migration.</summary>
    public const int Partitions = 8;

    public static string NameOf(int partition) => $"sessions-p{partition}";

    public static int PartitionOf(Guid sessionId)
    {
        // Guid.GetHashCode is stable across processes and runtimes for the same value.
        return (int)((uint)sessionId.GetHashCode() % Partitions);
    }

    /// <summary>The send address; it declares the queue exactly as the consumer does, whoever comes first.</summary>
    public static Uri AddressOf(Guid sessionId) => new($"queue:{NameOf(PartitionOf(sessionId))}?singleactiveconsumer=true");
}

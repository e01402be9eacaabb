using StackExchange.Redis;

namespace HeartRule.Infrastructure;

/// <summary>
/// Every Redis key HeartRule keeps for one session, for erasure to remove them all. Each is written by its owner:
/// the record by Sessions (SessionStateStore), owner and input numbering by <see cref="SessionOwners"/>, the event log
/// by the services that deliver (<see cref="Delivery.SessionEventDelivery"/>), the routes by the Gateway (SessionRoutes);
/// a key added there belongs here too.
/// </summary>
public static class SessionKeys
{
    public static RedisKey[] All(Guid sessionId) =>
    [
        $"hr:session:{sessionId}",
        $"hr:owner:{sessionId}",
        $"hr:inputseq:{sessionId}",
        $"hr:inputlast:{sessionId}",
        $"hr:debug:{sessionId}",
        $"hr:events:{sessionId}",
        $"hr:routes:{sessionId}",
    ];
}

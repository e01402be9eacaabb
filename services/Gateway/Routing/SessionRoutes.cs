using System.Globalization;
using HeartRule.Infrastructure.Delivery;
using StackExchange.Redis;

namespace HeartRule.Gateway.Routing;

/// <summary>
/// The connection map in Redis: for each session, which gateway nodes hold sockets on it. Each claim carries
/// its own expiry, renewed by the holder's heartbeat, so a node that dies drops out of every map within one
/// lease even though nobody deletes its entries.
/// </summary>
public sealed class SessionRoutes(IConnectionMultiplexer redis, NodeIdentity node, GatewayOptions options, TimeProvider time)
{
    public Task ClaimAsync(Guid sessionId) => ClaimManyAsync([sessionId]);

    /// <summary>Claims (or renews) each session for this node; returns those whose claim was not there any more (Redis lost it).</summary>
    public async Task<IReadOnlyList<Guid>> ClaimManyAsync(IReadOnlyCollection<Guid> sessionIds)
    {
        if (sessionIds.Count == 0) return [];
        var expiry = (time.GetUtcNow() + options.RouteLease).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var batch = redis.GetDatabase().CreateBatch();
        var claims = new List<(Guid SessionId, Task<bool> Added)>(sessionIds.Count);
        var renewals = new List<Task>(sessionIds.Count);
        foreach (var sessionId in sessionIds)
        {
            claims.Add((sessionId, batch.HashSetAsync(DeliveryKeys.Routes(sessionId), node.Id, expiry)));
            renewals.Add(batch.KeyExpireAsync(DeliveryKeys.Routes(sessionId), options.RouteLease * 2));
        }
        batch.Execute();
        await Task.WhenAll(renewals);
        await Task.WhenAll(claims.Select(c => c.Added));
        return [.. claims.Where(c => c.Added.Result).Select(c => c.SessionId)];
    }

    public Task ReleaseAsync(Guid sessionId) => redis.GetDatabase().HashDeleteAsync(DeliveryKeys.Routes(sessionId), node.Id);
}

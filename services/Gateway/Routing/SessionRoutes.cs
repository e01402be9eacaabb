using System.Globalization;
using StackExchange.Redis;

namespace HeartRule.Gateway.Routing;

/// <summary>
/// The connection map in Redis: for each session, which gateway nodes hold sockets on it. Each claim carries
/// its own expiry, renewed by the holder's heartbeat, so a node that dies drops out of every map within one
/// lease even though nobody deletes its entries.
/// </summary>
public sealed class SessionRoutes(IConnectionMultiplexer redis, NodeIdentity node, GatewayOptions options, TimeProvider time)
{
    private static RedisKey Key(Guid sessionId) => $"hr:routes:{sessionId}";

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
            claims.Add((sessionId, batch.HashSetAsync(Key(sessionId), node.Id, expiry)));
            renewals.Add(batch.KeyExpireAsync(Key(sessionId), options.RouteLease * 2));
        }
        batch.Execute();
        await Task.WhenAll(renewals);
        await Task.WhenAll(claims.Select(c => c.Added));
        return [.. claims.Where(c => c.Added.Result).Select(c => c.SessionId)];
    }

    public Task ReleaseAsync(Guid sessionId) => redis.GetDatabase().HashDeleteAsync(Key(sessionId), node.Id);

    /// <summary>Nodes whose claim on the session is still alive.</summary>
    public async Task<IReadOnlyList<string>> GetNodesAsync(Guid sessionId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var entries = await redis.GetDatabase().HashGetAllAsync(Key(sessionId));
        return entries.Where(e => long.TryParse((string?)e.Value, out var expiry) && expiry > now).Select(e => (string)e.Name!).ToList();
    }
}

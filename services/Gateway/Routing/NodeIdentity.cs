namespace HeartRule.Gateway.Routing;

/// <summary>This gateway process among its peers: new on every start, so a restarted node never inherits stale routes.</summary>
public sealed class NodeIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^24].ToLowerInvariant();

    /// <summary>The node's exchange (bound to its own auto-delete queue): deliveries for its sockets go here.</summary>
    public string EndpointName => EndpointNameFor(Id);

    public static string EndpointNameFor(string nodeId) => $"gateway-node-{nodeId}";
}

namespace HeartRule.Gateway.Routing;

/// <summary>This gateway process among its peers: new on every start, so a restarted node never inherits stale routes.</summary>
public sealed class NodeIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^24].ToLowerInvariant();

    /// <summary>The node's own auto-delete queue for what every node hears (safety alerts), named after it.</summary>
    public string EndpointName => $"gateway-node-{Id}";
}

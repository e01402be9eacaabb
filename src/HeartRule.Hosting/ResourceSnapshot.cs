namespace HeartRule.Hosting;

/// <summary>One process (replica) of a resource at one moment.</summary>
public sealed record ResourceReplicaSnapshot(
    int Replica,
    string DisplayName,
    ResourceState State,
    HealthStatus Health,
    int? Pid,
    IReadOnlyList<int> Pids,
    IReadOnlyList<string> Endpoints,
    int RestartCount,
    int? ExitCode,
    DateTimeOffset? StartedAt,
    string? Message)
{
    /// <summary>Running and answering its readiness check: what WaitFor waits for.</summary>
    public bool IsReady => (State == ResourceState.Running && Health == HealthStatus.Healthy) || State == ResourceState.Unused;
}

public sealed record ResourceEndpointSnapshot(string Name, string Url, int Replica, bool IsExternal, bool IsInternal);

public sealed record ResourceUrlSnapshot(string Url, string DisplayText);

/// <summary>A resource at one moment, as the dashboard shows it.</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Kind,
    ResourceState State,
    HealthStatus Health,
    bool IsExternal,
    IReadOnlyList<ResourceReplicaSnapshot> Replicas,
    IReadOnlyList<ResourceEndpointSnapshot> Endpoints,
    IReadOnlyList<ResourceUrlSnapshot> Urls,
    IReadOnlyList<string> References,
    IReadOnlyList<string> WaitFor,
    string? ConnectionString)
{
    public int RestartCount => Replicas.Sum(r => r.RestartCount);

    public bool IsReady => Replicas.All(r => r.IsReady);
}

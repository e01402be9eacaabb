namespace HeartRule.Hosting;

public enum ResourceState
{
    NotStarted,
    /// <summary>Waiting for the resources it waits for to be ready.</summary>
    Waiting,
    Starting,
    Running,
    /// <summary>Exited on its own; restarting after a back-off.</summary>
    Restarting,
    Stopping,
    Stopped,
    /// <summary>Exited and not restarted (restart disabled, or killed without restart).</summary>
    Exited,
    FailedToStart,
    /// <summary>Not started because nothing needs it (every database of a server is configured elsewhere).</summary>
    Unused,
}

public enum HealthStatus
{
    Unknown,
    Healthy,
    Unhealthy,
}

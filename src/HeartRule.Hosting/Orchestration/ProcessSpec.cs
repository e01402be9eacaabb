namespace HeartRule.Hosting.Orchestration;

/// <summary>How to launch one OS process of a resource.</summary>
internal sealed record ProcessSpec
{
    /// <summary>Shown in the log ("epmd", "initdb"); the resource's name when it is the main process.</summary>
    public required string DisplayName { get; init; }

    public required string FileName { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public string? WorkingDirectory { get; init; }

    /// <summary>Added to (or, when null, removed from) the AppHost's own environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Run as this user when the AppHost is root (PostgreSQL refuses to run as root).</summary>
    public string? RunAsUser { get; init; }

    /// <summary>The graceful stop request: PostgreSQL's fast shutdown is SIGINT, everyone else's SIGTERM.</summary>
    public int StopSignal { get; init; } = Native.SIGTERM;

    /// <summary>A helper the next process needs (epmd): polled until it returns true before going on.</summary>
    public Func<CancellationToken, Task<bool>>? ReadyCheck { get; init; }
}

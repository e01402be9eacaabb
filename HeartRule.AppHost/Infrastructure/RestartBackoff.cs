namespace HeartRule.AppHost.Infrastructure;

/// <summary>
/// How long a crashed process waits before it is started again, as Kubernetes' CrashLoopBackOff: a second after
/// the crash of a process that had been running, then twice as long for every crash that follows soon after a
/// restart, at most a minute. A process that cannot start (a bad setting, a broken data folder) is then not started,
/// and its failure logged, every second for as long as the AppHost runs, while a single crash (the fault suite kills
/// each process once) still comes back within a second.
/// </summary>
public sealed class RestartBackoff(TimeProvider time)
{
    public static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(1);
    /// <summary>A process that ran this long after its restart has recovered: its next crash waits <see cref="FirstPause"/> again.</summary>
    public static readonly TimeSpan Recovered = TimeSpan.FromSeconds(30);

    // Per resource: when its last restart was due, and how many crashes in a row led to it. Only the restarter's
    // watch loop calls NextPause, one notification at a time.
    private readonly Dictionary<string, (DateTimeOffset RestartAt, int InARow)> _last = [];

    /// <summary>The pause before <paramref name="resourceId"/>, which has just crashed, is started again.</summary>
    public TimeSpan NextPause(string resourceId)
    {
        var now = time.GetUtcNow();
        var inARow = _last.TryGetValue(resourceId, out var last) && now - last.RestartAt < Recovered ? last.InARow + 1 : 0;
        var pause = inARow >= 6 ? LongestPause : TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks << inARow));
        _last[resourceId] = (now + pause, inARow);
        return pause;
    }
}

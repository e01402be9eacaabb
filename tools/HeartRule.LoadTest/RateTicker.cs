using System.Diagnostics;

namespace HeartRule.LoadTest;

/// <summary>
/// An open-loop schedule: hands out "send now" tokens at a fixed rate however slow the server is, so a
/// struggling server shows up as latency and missed sends instead of quietly lowering the offered load.
/// </summary>
public sealed class RateTicker(double perSecond)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _issued;

    /// <summary>Waits for the next slice and returns how many sends are due now (0 once the run is over).</summary>
    public async Task<int> NextAsync(CancellationToken ct)
    {
        // 5 ms slices: fine enough for 200/s, coarse enough not to spin on two shared cores.
        await Task.Delay(5, ct);
        var due = (long)(Stopwatch.GetElapsedTime(_start).TotalSeconds * perSecond);
        var now = (int)(due - _issued);
        _issued = due;
        return now;
    }
}

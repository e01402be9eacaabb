using System.ComponentModel.DataAnnotations;

namespace HeartRule.Persistence.Erasure;

/// <summary>Settings of erasure (section "Erasure").</summary>
public sealed class ErasureOptions
{
    /// <summary>Finished sessions are erased this many days after their last change; null keeps them until someone erases them.</summary>
    [Range(1, 36_500)]
    public int? RetentionDays { get; set; }

    /// <summary>How often the job looks for sessions past retention and for late writes to erased ones.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Sessions read per query while sweeping.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;
}

/// <summary>What one sweep erased.</summary>
public sealed record SweepResult(DateTimeOffset At, int Expired, int LateWrites);

/// <summary>
/// Erases finished sessions past the retention period, and late writes to erased sessions, every
/// <see cref="ErasureOptions.SweepInterval"/> (on <see cref="TimeProvider"/>'s clock, so tests drive it).
/// </summary>
public sealed class RetentionJob(ErasureOptions options, SessionEraser eraser, TimeProvider time, ILogger<RetentionJob> logger) : BackgroundService
{
    /// <summary>After every sweep, successful or not (a failed one reports nothing erased).</summary>
    public event Action<SweepResult>? Swept;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SweepInterval, time);
        do
        {
            var result = new SweepResult(time.GetUtcNow(), 0, 0);
            try
            {
                result = await SweepAsync(stoppingToken);
                if (result.Expired + result.LateWrites > 0)
                    logger.LogInformation("Retention sweep erased {Expired} expired session(s) and {LateWrites} late write(s)", result.Expired, result.LateWrites);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The next sweep tries again (e.g. the database is restarting).
                logger.LogWarning(ex, "Retention sweep failed");
            }
            Swept?.Invoke(result);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<SweepResult> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var expired = options.RetentionDays is { } days ? await eraser.EraseExpiredAsync(now - TimeSpan.FromDays(days), options.BatchSize, ct) : 0;
        var late = await eraser.EraseLateWritesAsync(now, ct);
        return new SweepResult(now, expired, late);
    }
}

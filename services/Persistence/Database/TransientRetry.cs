namespace HeartRule.Persistence.Database;

/// <summary>
/// Retries an operation for as long as the database fails transiently (stopped, restarting, failing over),
/// with a capped exponential backoff; only cancellation (shutdown) or a non-transient error ends it.
/// </summary>
public static class TransientRetry
{
    public static async Task RunAsync(Func<CancellationToken, Task> operation, ILogger logger, string what, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var started = DateTime.UtcNow;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await operation(ct);
                if (attempt > 1) logger.LogInformation("{What} succeeded after {Attempts} attempts ({Seconds:0.0} s)", what, attempt, (DateTime.UtcNow - started).TotalSeconds);
                return;
            }
            catch (Exception ex) when (DatabaseErrors.IsTransient(ex) && !ct.IsCancellationRequested)
            {
                // Log the first failure and then about every 30 s, not each attempt of a long outage.
                if (attempt == 1 || attempt % 10 == 0) logger.LogWarning("{What} waits for the database (attempt {Attempt}): {Reason}", what, attempt, ex.Message);
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 3000));
            }
        }
    }
}

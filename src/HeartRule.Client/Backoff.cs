using Polly;
using Polly.Retry;

namespace HeartRule.Client;

/// <summary>
/// The waits between attempts, reconnects and resends alike: exponential from <see cref="HeartRuleConnectionOptions.RetryDelay"/>
/// up to <see cref="HeartRuleConnectionOptions.MaxRetryDelay"/>, with jitter, so that the clients of a node that went
/// away do not all come back in the same instant.
/// </summary>
internal static class Backoff
{
    public static ResiliencePipeline Create(HeartRuleConnectionOptions options, int maxAttempts, Func<Exception, bool> retryable,
        Func<OnRetryArguments<object>, ValueTask>? onRetry = null) =>
        new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && retryable(ex)),
                MaxRetryAttempts = maxAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                OnRetry = onRetry,
            })
            .Build();
}

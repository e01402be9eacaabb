using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using Microsoft.AspNetCore.RateLimiting;

namespace HeartRule.Persistence.Api;

/// <summary>Settings of the per-user API rate limit (section "Api:RateLimit").</summary>
public sealed class ApiRateLimitOptions
{
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 600;
    [Range(1, 86_400)]
    public double WindowSeconds { get; set; } = 60;
}

/// <summary>
/// A fixed window of requests per signed-in user, so that one client cannot starve the database for the others.
/// Anonymous requests are not limited here: they are refused (401) before they cost anything.
/// </summary>
public static class ApiRateLimiting
{
    public const string Policy = "api";

    public static IHostApplicationBuilder AddApiRateLimiting(this IHostApplicationBuilder builder)
    {
        var options = builder.AddValidatedOptions<ApiRateLimitOptions>("Api:RateLimit");
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, http => http.User.GetUserId() is { } userId
                ? RateLimitPartition.GetFixedWindowLimiter(userId, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PermitLimit,
                    Window = TimeSpan.FromSeconds(options.WindowSeconds),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("anonymous"));
            limiter.OnRejected = (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(Problems.WriteAsync(context.HttpContext, Problems.Create(ErrorCodes.RateLimited,
                    LocalText.Of("error.rateLimited", ("limit", options.PermitLimit), ("window", options.WindowSeconds.ToString("0.#", CultureInfo.InvariantCulture)), ("seconds", seconds)),
                    context.HttpContext)));
            };
        });
        return builder;
    }
}

using System.ComponentModel.DataAnnotations;

namespace HeartRule.Infrastructure.Delivery;

/// <summary>The event log that deliveries are written to (section "Delivery"), for every service that delivers.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Recent events kept per session in Redis for resume; older ones come from the database.</summary>
    [Range(1, 1_000_000)]
    public int EventLogLength { get; set; } = 1000;
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan EventLogTtl { get; set; } = TimeSpan.FromHours(24);
}

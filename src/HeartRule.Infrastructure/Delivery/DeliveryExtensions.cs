using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace HeartRule.Infrastructure.Delivery;

public static class DeliveryExtensions
{
    /// <summary>For a service that delivers to sockets (<see cref="SessionEventDelivery"/>); it needs Redis (AddHeartRuleRedis).</summary>
    public static IHostApplicationBuilder AddSessionEventDelivery(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<DeliveryOptions>(DeliveryOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionEventDelivery>();
        return builder;
    }
}

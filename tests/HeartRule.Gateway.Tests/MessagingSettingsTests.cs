using HeartRule.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HeartRule.Gateway.Tests;

/// <summary>What every service's bus is configured with (<see cref="MessagingExtensions.AddHeartRuleMessaging"/>).</summary>
public class MessagingSettingsTests
{
    [Fact]
    public void Usage_telemetry_is_off()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:messaging"] = "amqp://guest:guest@127.0.0.1:5672/";
        builder.AddHeartRuleMessaging();
        using var services = builder.Services.BuildServiceProvider();

        Assert.False(services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}

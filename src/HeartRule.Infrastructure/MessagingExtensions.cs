using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HeartRule.Infrastructure;

public static class MessagingExtensions
{
    /// <summary>The Aspire resource name of the broker; its connection string is ConnectionStrings__messaging.</summary>
    public const string ConnectionName = "messaging";

    /// <summary>
    /// MassTransit on RabbitMQ with the settings every HeartRule service shares: publisher confirms (a publish
    /// returns once the broker has the message), kebab-case queue names, and MassTransit's own health checks,
    /// which make /health report the bus. MassTransit's usage telemetry is off: it would report to an outside host
    /// from a system that holds counselling conversations.
    /// </summary>
    public static IHostApplicationBuilder AddHeartRuleMessaging(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? registerConsumers = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not configured (the AppHost injects it).");

        builder.Services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            registerConsumers?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(connectionString), h => h.PublisherConfirmation = true);
                // Engine state travels as a JSON string inside the message: the default encoder writes each of its
                // quotes as \u0022, tripling its size on every hop. Messages are only ever read as JSON.
                cfg.ConfigureJsonSerializerOptions(options =>
                {
                    options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
                    return options;
                });
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }
}

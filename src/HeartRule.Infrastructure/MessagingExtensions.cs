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
                cfg.Host(new Uri(connectionString), h =>
                {
                    h.PublisherConfirmation = true;
                    // A process that hangs (SIGSTOP, a stuck VM) keeps its TCP connection open: the broker only learns
                    // of it from missed heartbeats, and until then the messages it holds unacknowledged wait with it.
                    // Two missed 5 s beats hand them to another instance within ~10 s.
                    h.Heartbeat(TimeSpan.FromSeconds(5));
                });
                // Engine state travels as a JSON string inside the message: the default encoder writes each of its
                // quotes as \u0022, tripling its size on every hop. Messages are only ever read as JSON.
                cfg.ConfigureJsonSerializerOptions(options =>
                {
                    options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
                    return options;
                });
                // Every consumer, every service: a message whose handling failed because something it needs was down
                // (the broker itself mid-publish, Redis, another service, the database) is tried again with growing
                // pauses for about two and a half minutes. MassTransit's default moves it to the error queue at the
                // first exception: in the fault suite, a turn's events went there when Redis was killed under the router, and the
                // client waited for its answer for ever.
                cfg.UseMessageRetry(r => r.Exponential(16, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200)));
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

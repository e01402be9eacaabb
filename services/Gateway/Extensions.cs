using HeartRule.Gateway.Api;
using HeartRule.Gateway.Connections;
using HeartRule.Gateway.Routing;
using HeartRule.Gateway.Safety;
using HeartRule.Infrastructure;
using MassTransit;

namespace HeartRule.Gateway;

public static class Extensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<GatewayOptions>("Gateway");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeIdentity>();
        builder.Services.AddSingleton<SessionRoutes>();
        builder.Services.AddSingleton<EventLog>();
        builder.Services.AddSingleton<LocalSubscriptions>();
        builder.Services.AddSingleton<SessionOwners>();
        builder.Services.AddSingleton<SessionOwnership>();
        builder.Services.AddSingleton<FrameDispatcher>();
        builder.Services.AddSingleton<CounsellorAlerts>();
        builder.Services.AddSingleton<WebSocketEndpoint>();
        builder.Services.AddSingleton<OriginPolicy>();
        builder.Services.AddSingleton<BearerTokenValidator>();
        builder.Services.AddSingleton<HandshakeJudge>();
        builder.Services.AddSingleton<DevTokenIssuer>();
        builder.Services.AddSingleton<ConnectionLimits>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddHostedService<RouteHeartbeat>();
        builder.Services.AddHostedService<NodeChannelListener>();
        builder.Services.AddHostedService<RetiredRouterQueue>();
        builder.Services.AddHostedService<IdleSweeper>();
        builder.Services.AddSingleton<TokenRefresh>();
        builder.Services.AddHostedService<TokenExpirySweeper>();
        // "http://persistence" is resolved by service discovery (services__persistence__http__0).
        builder.Services.AddHttpClient(nameof(TranscriptClient), c => c.BaseAddress = new Uri("http://persistence")).AddServiceToken();
        // Used by singletons (the event log, ownership checks); service discovery resolves the address per request.
        builder.Services.AddSingleton(sp => new TranscriptClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TranscriptClient))));
        builder.Services.AddApiProxy(builder.Configuration);

        builder.AddHeartRuleRedis();
        builder.AddHeartRuleAuthentication();
        // Every listener: WebSocket handshakes are taken off the connection before HTTP sees it (docs/benchmarks.md).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Use(next =>
            ActivatorUtilities.CreateInstance<WebSocketHandshake>(listen.ApplicationServices, next).OnConnectionAsync)));
        builder.Services.AddHeartRuleProblems();
        builder.AddHeartRuleMessaging(
            x =>
            {
                x.AddConsumer<SafetyAlertConsumer>().ExcludeFromConfigureEndpoints();
            },
            (context, cfg) =>
            {
                var node = context.GetRequiredService<NodeIdentity>();
                // Alerts fan out: each node's own queue, bound to the flag's exchange, so every node hears every flag.
                cfg.ReceiveEndpoint(node.EndpointName + "-safety", e =>
                {
                    e.AutoDelete = true;
                    e.Durable = false;
                    e.ConfigureConsumer<SafetyAlertConsumer>(context);
                });
            });
        return builder;
    }
}

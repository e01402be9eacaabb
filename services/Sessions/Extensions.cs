using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Infrastructure.Delivery;
using MassTransit;

namespace HeartRule.Sessions;

public static class Extensions
{
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        builder.AddHeartRuleRedis();
        builder.AddSessionEventDelivery();
        builder.AddHeartRuleAuthentication();
        builder.Services.AddHeartRuleProblems();
        builder.Services.AddSingleton<SessionOwners>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionsMetrics>();
        builder.Services.AddSingleton<SessionStateStore>();
        builder.Services.AddSingleton<PublishedTurns>();
        builder.Services.AddScoped<TurnProcessor>();
        // "http://persistence" is resolved by service discovery (services__persistence__http__0).
        builder.Services.AddHttpClient<PersistenceClient>(c => c.BaseAddress = new Uri("http://persistence")).AddServiceToken();
        // Its own timeouts and retries below: HttpClient's 100-s cut-off would end a slow turn before they do.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers: the documented way to replace the service defaults' handler for one client.
        builder.Services.AddHttpClient<EngineClient>(c => (c.BaseAddress, c.Timeout) = (new Uri("http://scriptengine"), Timeout.InfiniteTimeSpan))
            .AddServiceToken()
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(o =>
            {
                // A turn may make several model calls, each with its own timeout and retries (Llm:TimeoutSeconds).
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(120);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(180);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(240);
                // An engine that restarts is back within seconds: retry often and briefly, so the turn goes on
                // soon after it is (the input stays unacknowledged on the broker meanwhile).
                // As many as fit in the total timeout, which is what bounds the wait (3 minutes, docs/architecture.md).
                o.Retry.MaxRetryAttempts = 100;
                o.Retry.Delay = TimeSpan.FromMilliseconds(250);
                o.Retry.MaxDelay = TimeSpan.FromSeconds(2);
                o.Retry.ShouldHandle = args => ValueTask.FromResult(EngineClient.IsWorthRetrying(args.Outcome));
            });
#pragma warning restore EXTEXP0001

        builder.AddHeartRuleMessaging(
            x =>
            {
                x.AddConsumer<StartSessionConsumer>().ExcludeFromConfigureEndpoints();
                x.AddConsumer<SubmitInputConsumer>().ExcludeFromConfigureEndpoints();
                x.AddConsumer<CounsellorCommandConsumer>().ExcludeFromConfigureEndpoints();
                // Its own queue (session-erased): any instance may drop the Redis state, which all of them share.
                x.AddConsumer<SessionErasedConsumer>();
            },
            (context, cfg) =>
            {
                for (var partition = 0; partition < SessionQueues.Partitions; partition++)
                {
                    cfg.ReceiveEndpoint(SessionQueues.NameOf(partition), e =>
                    {
                        e.SingleActiveConsumer = true;
                        e.PrefetchCount = 32;
                        // Within the partition: one turn at a time per session, different sessions in parallel.
                        // The partitioner does not keep delivery order (messages are dispatched concurrently);
                        // the input sequence number does, with the retry below for inputs that came too early.
                        var partitioner = e.CreatePartitioner(16);
                        // Only for ordering and races between instances: a dependency that fails is retried by its
                        // HTTP client's own policy, then by the bus's slow retry of the whole message (MessagingExtensions).
                        e.UseMessageRetry(r =>
                        {
                            r.Handle<InputTooEarlyException>();
                            r.Handle<ConcurrencyConflictException>();
                            r.Interval(TurnProcessor.OrderingAttempts + 1, TimeSpan.FromMilliseconds(50));
                        });
                        e.ConfigureConsumer<StartSessionConsumer>(context, c =>
                            c.Message<StartSession>(m => m.UsePartitioner(partitioner, p => p.Message.SessionId)));
                        e.ConfigureConsumer<SubmitInputConsumer>(context, c =>
                            c.Message<SubmitInput>(m => m.UsePartitioner(partitioner, p => p.Message.SessionId)));
                        e.ConfigureConsumer<CounsellorCommandConsumer>(context, c =>
                            c.Message<CounsellorCommand>(m => m.UsePartitioner(partitioner, p => p.Message.SessionId)));
                    });
                }
            });
        return builder;
    }
}

using HeartRule.Contracts;
using HeartRule.Infrastructure;
using MassTransit;

namespace HeartRule.Sessions;

public static class Extensions
{
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        builder.AddHeartRuleRedis();
        builder.AddHeartRuleAuthentication();
        builder.Services.AddHeartRuleProblems();
        builder.Services.AddSingleton<SessionOwners>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionsMetrics>();
        builder.Services.AddSingleton<SessionStateStore>();
        builder.Services.AddScoped<TurnProcessor>();
        // "http://persistence" is resolved by service discovery (services__persistence__http__0).
        builder.Services.AddHttpClient<PersistenceClient>(c => c.BaseAddress = new Uri("http://persistence")).AddServiceToken();

        builder.AddHeartRuleMessaging(
            x =>
            {
                x.AddConsumer<StartSessionConsumer>().ExcludeFromConfigureEndpoints();
                x.AddConsumer<SubmitInputConsumer>().ExcludeFromConfigureEndpoints();
                x.AddRequestClient<ExecuteTurn>(RequestTimeout.After(s: 120));
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
                        e.UseMessageRetry(r =>
                        {
                            r.Handle<InputTooEarlyException>();
                            r.Handle<ConcurrencyConflictException>();
                            r.Handle<HttpRequestException>();
                            r.Interval(TurnProcessor.OrderingAttempts + 1, TimeSpan.FromMilliseconds(50));
                        });
                        e.ConfigureConsumer<StartSessionConsumer>(context, c =>
                            c.Message<StartSession>(m => m.UsePartitioner(partitioner, p => p.Message.SessionId)));
                        e.ConfigureConsumer<SubmitInputConsumer>(context, c =>
                            c.Message<SubmitInput>(m => m.UsePartitioner(partitioner, p => p.Message.SessionId)));
                    });
                }
            });
        return builder;
    }
}

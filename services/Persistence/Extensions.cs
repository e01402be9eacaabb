using HeartRule.Infrastructure;
using HeartRule.Persistence.Database;
using HeartRule.Persistence.Scripts;
using HeartRule.Persistence.Sessions;
using HeartRule.Persistence.Turns;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HeartRule.Persistence;

public static class Extensions
{
    /// <summary>The Aspire resource name of the database; its connection string is ConnectionStrings__heartrule.</summary>
    public const string DatabaseName = "heartrule";

    public static IHostApplicationBuilder AddPersistence(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(DatabaseName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{DatabaseName} is not configured (the AppHost injects it).");
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("postgres", tags: ["ready"]);

        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddSingleton<ScriptStore>();
        builder.Services.AddSingleton<SampleScriptSeeder>();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<TurnWriter>();
        // Registered before the bus: the schema exists before the first event is consumed.
        builder.Services.AddHostedService<DatabaseInitializer>();

        builder.AddHeartRuleMessaging(
            x => x.AddConsumer<TurnCompletedConsumer>(c =>
                // A database that is down or restarting makes the write wait; the message stays unacknowledged
                // on the broker meanwhile, so a crash during the outage loses nothing either.
                c.UseMessageRetry(r =>
                {
                    r.Handle<NpgsqlException>(ex => ex.IsTransient || ex is PostgresException { SqlState: "57P01" or "57P03" });
                    r.Handle<TimeoutException>();
                    r.Exponential(int.MaxValue, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300));
                })));
        builder.AddHeartRuleAuthentication();
        return builder;
    }

    private sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var cmd = dataSource.CreateCommand("SELECT 1");
                await cmd.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (NpgsqlException ex)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer.", ex);
            }
        }
    }
}

using System.ComponentModel.DataAnnotations;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Persistence.Api;
using HeartRule.Persistence.Audit;
using HeartRule.Persistence.Database;
using HeartRule.Persistence.Erasure;
using HeartRule.Persistence.Scripts;
using HeartRule.Persistence.Sessions;
using HeartRule.Persistence.Turns;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HeartRule.Persistence;

/// <summary>Settings of the turn writer's batches (section "Persistence:Batch").</summary>
public sealed class TurnBatchOptions
{
    /// <summary>At most this many turns per transaction.</summary>
    [Range(1, 10_000)]
    public int MessageLimit { get; set; } = 100;
    /// <summary>
    /// How long a batch waits to fill after its first turn: the latency added to storing (not to the client, whose
    /// frames go their own way). 100 ms makes ~10 turns per transaction at 100 turns/s, where 50 ms made ~5: the
    /// set-based writes cost PostgreSQL less per turn the larger the batch (docs/benchmarks.md).
    /// </summary>
    [Range(0, 60_000)]
    public int TimeLimitMs { get; set; } = 100;
    /// <summary>Batches written at once.</summary>
    [Range(1, 1_000)]
    public int ConcurrencyLimit { get; set; } = 2;
    /// <summary>The consumer's queue; null for the default name (turn-completed). Tests give each host its own.</summary>
    public string? Queue { get; set; }
}

public static class Extensions
{
    /// <summary>The Aspire resource name of the database; its connection string is ConnectionStrings__heartrule.</summary>
    public const string DatabaseName = "heartrule";

    public static IHostApplicationBuilder AddPersistence(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetConnectionString(DatabaseName) is null)
            throw new InvalidOperationException($"ConnectionStrings:{DatabaseName} is not configured (the AppHost injects it).");
        // Aspire's client: one data source for the process, with its health check (which makes /health report the
        // database), Npgsql's traces and metrics.
        builder.AddNpgsqlDataSource(DatabaseName, configureDataSourceBuilder: dataSource =>
        {
            // The turn writer sends the same few statements for every turn: prepared once per connection, the server
            // stops parsing and planning them each time (docs/benchmarks.md). The connection string may still set it.
            if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0) dataSource.ConnectionStringBuilder.MaxAutoPrepare = 32;
        });

        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddSingleton<ScriptStore>();
        builder.Services.AddSingleton<ScriptValidator>();
        builder.Services.AddSingleton<SampleScriptSeeder>();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<SessionExporter>();
        builder.Services.AddSingleton<SessionAccess>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<HeartRule.Persistence.Safety.FlagStore>();
        builder.Services.AddSingleton<SessionEraser>();
        builder.AddValidatedOptions<ErasureOptions>("Erasure");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RetentionJob>();
        builder.Services.AddSingleton<TurnWriter>();
        builder.Services.AddSingleton<PersistenceTelemetry>();
        // Registered before the bus: the schema exists before the first event is consumed.
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionJob>());

        var batch = builder.AddValidatedOptions<TurnBatchOptions>("Persistence:Batch");
        builder.AddHeartRuleMessaging(x => x.AddConsumer<TurnCompletedConsumer>(c => c.Options<BatchOptions>(o => o
            .SetMessageLimit(batch.MessageLimit)
            .SetTimeLimit(TimeSpan.FromMilliseconds(batch.TimeLimitMs))
            .SetConcurrencyLimit(batch.ConcurrencyLimit)))
            .Endpoint(e =>
            {
                if (batch.Queue is { } queue) e.Name = queue;
            }));

        // On shutdown, a batch waiting for an unreachable database is cancelled after a moment and goes back to the
        // queue (unacknowledged) instead of holding the stop for the whole stop timeout.
        builder.Services.PostConfigure<MassTransitHostOptions>(o => o.ConsumerStopTimeout ??= TimeSpan.FromSeconds(5));

        builder.AddHeartRuleAuthentication();
        builder.Services.AddHeartRuleProblems(o => o.ExceptionMappers.Add(ex =>
            DatabaseErrors.IsTransient(ex) ? (ErrorCodes.ServiceUnavailable, LocalText.Of("error.databaseUnreachable")) : null));
        builder.AddApiRateLimiting();
        builder.Services.AddApiDocs();
        return builder;
    }
}

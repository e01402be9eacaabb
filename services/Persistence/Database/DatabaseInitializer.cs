using HeartRule.Persistence.Scripts;

using Npgsql;

namespace HeartRule.Persistence.Database;

/// <summary>
/// Runs before the bus and the HTTP server start (it is registered first): the schema must exist before the
/// first event is consumed. Waits for the database rather than crashing while it is still starting.
/// </summary>
public sealed class DatabaseInitializer(Migrator migrator, SampleScriptSeeder seeder, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await migrator.MigrateAsync(cancellationToken);
                await seeder.SeedAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (attempt < 60 && ex.IsTransient)
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}): {Reason}", attempt, ex.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HeartRule.AppHost.Infrastructure;

/// <summary>Marks a resource whose processes are started again when they die on their own.</summary>
public sealed class RestartOnCrashAnnotation : IResourceAnnotation;

public static class RestartOnCrashExtensions
{
    /// <summary>
    /// A process of this resource (each replica on its own) that exits with a failure, without having been asked
    /// to stop, is started again after a pause (<see cref="RestartBackoff"/>), as Kubernetes restarts a crashed pod.
    /// DCP does not restart executables by itself.
    /// </summary>
    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> builder) where T : IResource
    {
        builder.ApplicationBuilder.TryAddRestarter();
        return builder.WithAnnotation(new RestartOnCrashAnnotation());
    }

    private static void TryAddRestarter(this IDistributedApplicationBuilder builder)
    {
        if (builder.Resources.Any(r => r.Annotations.OfType<RestartOnCrashAnnotation>().Any())) return;
        // Started before the resources, not as a hosted service: the orchestrator's own start does not return until
        // every resource has started, and a crash before then must be caught too.
        builder.Eventing.Subscribe<BeforeStartEvent>((e, ct) =>
        {
            var restarter = ActivatorUtilities.CreateInstance<CrashRestarter>(e.Services);
            e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(restarter.Dispose);
            _ = restarter.StartAsync(CancellationToken.None);
            return Task.CompletedTask;
        });
    }
}

/// <summary>Watches every resource's state and restarts the marked ones that crashed.</summary>
internal sealed class CrashRestarter(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    ILogger<CrashRestarter> logger) : BackgroundService
{
    private readonly RestartBackoff _backoff = new(TimeProvider.System);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var previousStates = new Dictionary<string, string?>();
        await foreach (var e in notifications.WatchAsync(stoppingToken))
        {
            var state = e.Snapshot.State?.Text;
            previousStates.TryGetValue(e.ResourceId, out var previous);
            previousStates[e.ResourceId] = state;
            if (!e.Resource.Annotations.OfType<RestartOnCrashAnnotation>().Any()
                || state is not ("Exited" or "Finished" or "FailedToStart")
                || previous is "Stopping" or "Exited" or "Finished" or "FailedToStart"
                || e.Snapshot.ExitCode is 0
                || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                continue;
            }
            var pause = _backoff.NextPause(e.ResourceId);
            logger.LogWarning("{Resource} exited with code {ExitCode}; starting it again in {Pause} s", e.ResourceId, e.Snapshot.ExitCode, pause.TotalSeconds);
            _ = RestartAsync(e.ResourceId, pause, stoppingToken);
        }
    }

    private async Task RestartAsync(string resourceId, TimeSpan pause, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(pause, stoppingToken);
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success) logger.LogError("Restarting {Resource} failed: {Error}", resourceId, result.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

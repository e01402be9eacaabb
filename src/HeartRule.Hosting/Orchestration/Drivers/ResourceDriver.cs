using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>
/// What is specific to one kind of resource: how to prepare its data, which processes run it, and how to
/// tell that it is ready. Supervision (restarts, stop, logs) is the same for all and lives in <see cref="ResourceInstance"/>.
/// </summary>
internal abstract class ResourceDriver(Resource resource, RuntimeContext context)
{
    public Resource Resource { get; } = resource;

    protected RuntimeContext Context { get; } = context;

    /// <summary>A connection string is configured for it: it runs elsewhere; we only check that it answers.</summary>
    public virtual bool IsExternal => Resource is IResourceWithConnectionString withConnectionString
        && Context.GetConfiguredConnectionString(withConnectionString) is not null;

    /// <summary>Nothing in the application needs it, so it is not started.</summary>
    public virtual bool IsUnused => false;

    public bool HasProcesses => !IsExternal && !IsUnused && LaunchesProcesses;

    protected abstract bool LaunchesProcesses { get; }

    /// <summary>Runs before every launch (first start and restarts): folders, configuration files, initdb.</summary>
    public virtual Task PrepareAsync(ResourceInstance instance, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Helpers first, the resource's own process last.</summary>
    public virtual IReadOnlyList<ProcessSpec> GetProcesses(ResourceInstance instance) => [];

    /// <summary>Readiness and health: the resource accepts a real connection. Throws or returns false when not.</summary>
    public abstract Task<bool> CheckHealthAsync(ResourceInstance instance, CancellationToken cancellationToken);

    protected AllocatedEndpoint Endpoint(string name, int replica = 0) => Context.GetEndpoint(Resource, name, replica);

    protected string ConnectionString => Resource is IResourceWithConnectionString withConnectionString
        ? new ConnectionStringReference(withConnectionString).Resolve(Context)
        : throw new InvalidOperationException($"{Resource} has no connection string.");

    public static ResourceDriver Create(Resource resource, RuntimeContext context) => resource switch
    {
        PostgresServerResource postgres => new PostgresDriver(postgres, context),
        PostgresDatabaseResource database => new PostgresDatabaseDriver(database, context),
        RedisResource redis => new RedisDriver(redis, context),
        RabbitMQServerResource rabbit => new RabbitMQDriver(rabbit, context),
        ProjectResource project => new ProjectDriver(project, context),
        ExecutableResource executable => new ExecutableDriver(executable, context),
        _ => throw new DistributedApplicationException($"The AppHost cannot run {resource}."),
    };
}

using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting;

public static class ResourceBuilderExtensions
{
    /// <summary>The consumer receives <c>ConnectionStrings__&lt;source&gt;</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : IResourceWithEnvironment => AddReference(builder, source.Resource);

    /// <summary>The consumer receives <c>services__&lt;source&gt;__http__&lt;replica&gt;</c> for each replica of the source.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where T : IResourceWithEnvironment => AddReference(builder, source.Resource);

    /// <summary>Starts only once <paramref name="dependency"/> is ready (and stops before it).</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency) where T : IResource
    {
        var resource = AsResource(builder.Resource);
        if (!resource.WaitFor.Contains(dependency.Resource))
        {
            resource.WaitFor.Add(dependency.Resource);
        }
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : IResourceWithEnvironment
    {
        builder.Resource.Environment[name] = ReferenceExpression.Literal(value);
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IValueProvider value) where T : IResourceWithEnvironment
    {
        builder.Resource.Environment[name] = ReferenceExpression.From(value);
        return builder;
    }

    /// <summary>Marks the http endpoints as meant for a browser: printed at start and linked on the dashboard.</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : IResource
    {
        foreach (var endpoint in AsResource(builder.Resource).Endpoints.Where(e => e.IsHttp))
        {
            endpoint.IsExternal = true;
        }
        return builder;
    }

    /// <summary>
    /// An http endpoint; <paramref name="port"/> null means <c>Ports:&lt;resource&gt;</c> or a free port.
    /// <paramref name="env"/> names the variable through which an executable learns its port.
    /// </summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, string name = "http", string? env = null) where T : IResource
    {
        var resource = AsResource(builder.Resource);
        if (resource.GetEndpoint(name) is { } existing)
        {
            resource.Endpoints[resource.Endpoints.IndexOf(existing)] = existing with { Port = port ?? existing.Port, EnvironmentVariable = env ?? existing.EnvironmentVariable };
        }
        else
        {
            resource.Endpoints.Add(new EndpointAnnotation(name, "http", port) { EnvironmentVariable = env });
        }
        return builder;
    }

    /// <summary>A link for the resource (relative: against its http endpoint), printed once ready and shown on the dashboard.</summary>
    public static IResourceBuilder<T> WithUrl<T>(this IResourceBuilder<T> builder, string url, string? displayText = null) where T : IResource
    {
        AsResource(builder.Resource).Urls.Add(new ResourceUrlAnnotation(url, displayText));
        return builder;
    }

    /// <summary>Whether a process that exits on its own is restarted (default: yes, with back-off).</summary>
    public static IResourceBuilder<T> WithRestartOnExit<T>(this IResourceBuilder<T> builder, bool restart) where T : IResource
    {
        AsResource(builder.Resource).RestartOnExit = restart;
        return builder;
    }

    private static IResourceBuilder<T> AddReference<T>(IResourceBuilder<T> builder, IResource source) where T : IResource
    {
        var resource = AsResource(builder.Resource);
        if (!resource.References.Contains(source))
        {
            resource.References.Add(source);
        }
        return builder;
    }

    private static Resource AsResource(IResource resource) =>
        resource as Resource ?? throw new ArgumentException($"'{resource.Name}' is not a resource the AppHost can run.", nameof(resource));
}

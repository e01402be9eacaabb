namespace HeartRule.Hosting.ApplicationModel;

/// <summary>Anything the AppHost knows by name: a server, a database, a service, a parameter.</summary>
public interface IResource
{
    string Name { get; }
}

/// <summary>A resource that exposes a connection string to whoever references it (<c>ConnectionStrings__name</c>).</summary>
public interface IResourceWithConnectionString : IResource
{
    ReferenceExpression ConnectionStringExpression { get; }
}

/// <summary>A resource that lives inside another one (a database inside its server).</summary>
public interface IResourceWithParent : IResource
{
    IResource Parent { get; }
}

/// <summary>A resource that receives configuration through environment variables.</summary>
public interface IResourceWithEnvironment : IResource
{
    /// <summary>Explicit variables (WithEnvironment); references add theirs when the environment is built.</summary>
    IDictionary<string, ReferenceExpression> Environment { get; }
}

/// <summary>A resource other services find by URL (<c>services__name__http__0</c>).</summary>
public interface IResourceWithServiceDiscovery : IResource
{
}

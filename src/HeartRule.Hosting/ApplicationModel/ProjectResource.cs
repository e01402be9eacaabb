namespace HeartRule.Hosting.ApplicationModel;

/// <summary>A .NET service of the solution, launched from its build output.</summary>
public sealed class ProjectResource : Resource, IResourceWithEnvironment, IResourceWithServiceDiscovery
{
    public const string HttpEndpointName = "http";

    public ProjectResource(string name, IProjectMetadata metadata) : base(name)
    {
        Metadata = metadata;
        Endpoints.Add(new EndpointAnnotation(HttpEndpointName, "http"));
    }

    public override string Kind => "project";

    public IProjectMetadata Metadata { get; }

    public IDictionary<string, ReferenceExpression> Environment { get; } = new Dictionary<string, ReferenceExpression>(StringComparer.Ordinal);

    /// <summary>Readiness: the path answers 200 (ServiceDefaults' <c>/health</c>).</summary>
    public string HealthCheckPath { get; set; } = "/health";

    public EndpointReference GetEndpoint(string endpointName, int replica) => new(this, endpointName, replica);
}

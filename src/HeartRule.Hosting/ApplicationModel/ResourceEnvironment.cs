namespace HeartRule.Hosting.ApplicationModel;

/// <summary>Settings of the AppHost that flow into every service's environment.</summary>
public sealed record EnvironmentSettings(string EnvironmentName, string? OtlpEndpoint = null, string? OtlpProtocol = null, string? OtlpHeaders = null);

/// <summary>
/// The environment a process receives, exactly as Aspire builds it: <c>ConnectionStrings__name</c> per
/// referenced database or server, <c>services__name__http__i</c> per replica of a referenced service,
/// OpenTelemetry variables, the URL to listen on, and the explicit variables last (they win).
/// </summary>
public static class ResourceEnvironment
{
    public const string ReplicaIndexVariable = "HEARTRULE_REPLICA_INDEX";

    public static IReadOnlyDictionary<string, ReferenceExpression> Build(Resource resource, int replica, EnvironmentSettings settings)
    {
        var env = new Dictionary<string, ReferenceExpression>(StringComparer.Ordinal);

        foreach (var reference in resource.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString withConnectionString:
                    env[$"ConnectionStrings__{reference.Name}"] = ReferenceExpression.From(new ConnectionStringReference(withConnectionString));
                    break;
                case Resource service when reference is IResourceWithServiceDiscovery:
                    foreach (var endpoint in service.Endpoints.Where(e => e.IsHttp))
                    {
                        for (var i = 0; i < service.Replicas; i++)
                        {
                            env[$"services__{service.Name}__{endpoint.Name}__{i}"] =
                                ReferenceExpression.From(new EndpointReference(service, endpoint.Name, i));
                        }
                    }
                    break;
                default:
                    throw new DistributedApplicationException($"'{resource.Name}' references '{reference.Name}', which has neither a connection string nor endpoints.");
            }
        }

        env["OTEL_SERVICE_NAME"] = resource.Name;
        env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={resource.Name}-{replica}";
        if (!string.IsNullOrEmpty(settings.OtlpEndpoint))
        {
            env["OTEL_EXPORTER_OTLP_ENDPOINT"] = settings.OtlpEndpoint;
            if (!string.IsNullOrEmpty(settings.OtlpProtocol))
            {
                env["OTEL_EXPORTER_OTLP_PROTOCOL"] = settings.OtlpProtocol;
            }
            if (!string.IsNullOrEmpty(settings.OtlpHeaders))
            {
                env["OTEL_EXPORTER_OTLP_HEADERS"] = settings.OtlpHeaders;
            }
        }

        if (resource is ProjectResource project)
        {
            var urls = project.Endpoints.Where(e => e.IsHttp).Select(e => new EndpointReference(project, e.Name, replica)).ToList();
            env["ASPNETCORE_URLS"] = JoinUrls(urls);
            env["ASPNETCORE_ENVIRONMENT"] = settings.EnvironmentName;
            env["DOTNET_ENVIRONMENT"] = settings.EnvironmentName;
        }

        foreach (var endpoint in resource.Endpoints.Where(e => e.EnvironmentVariable is not null))
        {
            env[endpoint.EnvironmentVariable!] = ReferenceExpression.From(new EndpointReference(resource, endpoint.Name, replica).Property(EndpointProperty.Port));
        }

        env[ReplicaIndexVariable] = replica.ToString(System.Globalization.CultureInfo.InvariantCulture);

        if (resource is IResourceWithEnvironment withEnvironment)
        {
            foreach (var (name, value) in withEnvironment.Environment)
            {
                env[name] = value;
            }
        }
        return env;
    }

    public static IReadOnlyDictionary<string, string> Resolve(IReadOnlyDictionary<string, ReferenceExpression> environment, IValueResolver resolver) =>
        environment.ToDictionary(kv => kv.Key, kv => kv.Value.Resolve(resolver), StringComparer.Ordinal);

    private static ReferenceExpression JoinUrls(List<EndpointReference> urls)
    {
        var handler = new ReferenceExpression.ExpressionInterpolatedStringHandler(0, urls.Count);
        for (var i = 0; i < urls.Count; i++)
        {
            if (i > 0)
            {
                handler.AppendLiteral(";");
            }
            handler.AppendFormatted(urls[i]);
        }
        return ReferenceExpression.Create(handler);
    }
}

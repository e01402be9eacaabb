using System.Globalization;
using HeartRule.AppHost.Infrastructure;

namespace HeartRule.AppHost.Kubernetes;

/// <summary>A value of the model as the cluster sees it; secret when any part of it is a secret.</summary>
public sealed record ClusterValue(string Value, bool IsSecret);

/// <summary>
/// Resolves the model's values (environment, arguments, connection strings) to what they are inside the cluster:
/// every endpoint is its resource's Service (<c>name:port</c>, plain HTTP or TCP on the cluster network), every
/// parameter the value kept in the generated Secrets. Aspire resolves them to the processes it started; in a
/// cluster nothing is allocated, so the expressions are walked here.
/// </summary>
public sealed class ClusterValues(ClusterParameters parameters)
{
    /// <summary>The port only the probes use: /health and /alive are served there alone (Health__Port).</summary>
    public const int HealthPort = 8081;


    /// <summary>The port a resource's endpoint has on the cluster network.</summary>
    public static int Port(EndpointAnnotation endpoint, IResource resource) =>
        resource is ProjectResource ? ContainerImages.ServicePort : endpoint.TargetPort ?? endpoint.Port
            ?? throw new InvalidOperationException($"Endpoint '{endpoint.Name}' of '{resource.Name}' has no port.");

    public async Task<ClusterValue> ResolveAsync(object value, CancellationToken cancellationToken) => value switch
    {
        string text => new(text, false),
        ParameterResource parameter => new(parameters[parameter], parameter.Secret),
        ConnectionStringReference reference => await ConnectionStringAsync(reference.Resource, cancellationToken),
        IResourceWithConnectionString resource => await ConnectionStringAsync(resource, cancellationToken),
        EndpointReference endpoint => new(Property(endpoint, EndpointProperty.Url), false),
        EndpointReferenceExpression expression => new(Property(expression.Endpoint, expression.Property), false),
        ReferenceExpression expression => await ExpressionAsync(expression, cancellationToken),
        _ => throw new NotSupportedException($"A value of type {value.GetType().Name} has no meaning in a cluster yet.")
    };

    private async Task<ClusterValue> ConnectionStringAsync(IResourceWithConnectionString resource, CancellationToken cancellationToken) =>
        (await ResolveAsync(resource.ConnectionStringExpression, cancellationToken)) with { IsSecret = true };

    private async Task<ClusterValue> ExpressionAsync(ReferenceExpression expression, CancellationToken cancellationToken)
    {
        if (expression.IsConditional)
        {
            var condition = await ResolveAsync(expression.Condition!, cancellationToken);
            return await ResolveAsync(
                string.Equals(condition.Value, expression.MatchValue, StringComparison.OrdinalIgnoreCase) ? expression.WhenTrue! : expression.WhenFalse!,
                cancellationToken);
        }
        var parts = new object[expression.ValueProviders.Count];
        var secret = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await ResolveAsync(expression.ValueProviders[i], cancellationToken);
            parts[i] = expression.StringFormats[i] == "uri" ? Uri.EscapeDataString(part.Value) : part.Value;
            secret |= part.IsSecret;
        }
        return new(string.Format(CultureInfo.InvariantCulture, expression.Format, parts), secret);
    }

    private static string Property(EndpointReference endpoint, EndpointProperty property)
    {
        var host = endpoint.Resource.Name;
        var port = Port(endpoint.EndpointAnnotation, endpoint.Resource).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            EndpointProperty.Url => $"{endpoint.EndpointAnnotation.UriScheme}://{host}:{port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => host,
            EndpointProperty.Port or EndpointProperty.TargetPort => port,
            EndpointProperty.HostAndPort => $"{host}:{port}",
            EndpointProperty.Scheme => endpoint.EndpointAnnotation.UriScheme,
            // Inside the cluster network, traffic between pods is plain (the ingress terminates TLS).
            EndpointProperty.TlsEnabled => bool.FalseString,
            _ => throw new NotSupportedException($"Endpoint property {property} has no meaning in a cluster yet.")
        };
    }
}

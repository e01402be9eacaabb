using Microsoft.Extensions.Configuration;

namespace HeartRule.AppHost.Infrastructure;

/// <summary>
/// Where HeartRule's own images are (configuration section <c>Images</c>): <c>Images:Registry</c> and
/// <c>Images:Tag</c>, as <c>eng/images.sh</c> pushes them (<c>heartrule/&lt;name&gt;:&lt;commit&gt;</c>). Without a
/// registry, container mode uses Aspire's default images for PostgreSQL, Redis and RabbitMQ.
/// </summary>
public sealed record ContainerImages(string? Registry, string Tag)
{
    public const string Section = "Images";

    /// <summary>The uid the service images run as (Microsoft's .NET images' APP_UID; eng/images/aspnet).</summary>
    public const long ServiceUserId = 1654;

    /// <summary>The port every service image listens on (ASPNETCORE_HTTP_PORTS of eng/images/aspnet).</summary>
    public const int ServicePort = 8080;

    /// <summary>The uid the PostgreSQL, Redis and RabbitMQ images run as (the official images' own; eng/images/*).</summary>
    public const long InfrastructureUserId = 999;

    public static ContainerImages From(IConfiguration configuration) =>
        new(configuration[$"{Section}:Registry"], configuration[$"{Section}:Tag"] ?? "latest");

    /// <summary>The repository of one of our images, <c>heartrule/&lt;name&gt;</c>.</summary>
    public static string Repository(string name) => $"heartrule/{name}";

    public string Reference(string name) =>
        Registry is null ? $"{Repository(name)}:{Tag}" : $"{Registry}/{Repository(name)}:{Tag}";
}

namespace HeartRule.AppHost.Infrastructure;

/// <summary>
/// One replica of a HeartRule service run from its image (<c>--Services containers</c>): a container that others
/// find by service discovery, as they find the service's project.
/// </summary>
public sealed class ServiceContainerResource(string name) : ContainerResource(name), IResourceWithServiceDiscovery;

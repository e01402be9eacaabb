namespace HeartRule.Hosting.ApplicationModel;

/// <summary>A resource other services find by URL (<c>services__name__http__0</c>).</summary>
public interface IResourceWithServiceDiscovery : IResource
{
}

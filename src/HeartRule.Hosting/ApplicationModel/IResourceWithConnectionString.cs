namespace HeartRule.Hosting.ApplicationModel;

/// <summary>A resource that exposes a connection string to whoever references it (<c>ConnectionStrings__name</c>).</summary>
public interface IResourceWithConnectionString : IResource
{
    ReferenceExpression ConnectionStringExpression { get; }
}

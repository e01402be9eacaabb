namespace HeartRule.Hosting.ApplicationModel;

/// <summary>A resource that receives configuration through environment variables.</summary>
public interface IResourceWithEnvironment : IResource
{
    /// <summary>Explicit variables (WithEnvironment); references add theirs when the environment is built.</summary>
    IDictionary<string, ReferenceExpression> Environment { get; }
}

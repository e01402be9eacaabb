namespace HeartRule.Hosting.ApplicationModel;

/// <summary>The resources of an application, in the order they were added.</summary>
public sealed class DistributedApplicationModel(IReadOnlyList<IResource> resources)
{
    public IReadOnlyList<IResource> Resources { get; } = resources;

    public IResource? Find(string name) =>
        Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    public IResource Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"No resource named '{name}'. Known: {string.Join(", ", Resources.Select(r => r.Name))}.");
}

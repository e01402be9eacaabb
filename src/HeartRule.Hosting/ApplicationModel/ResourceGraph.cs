namespace HeartRule.Hosting.ApplicationModel;

/// <summary>Start order: what a resource needs before it starts (its wait-fors and its parent).</summary>
public static class ResourceGraph
{
    public static IEnumerable<IResource> GetDependencies(IResource resource)
    {
        var dependencies = new List<IResource>();
        if (resource is IResourceWithParent child)
        {
            dependencies.Add(child.Parent);
        }
        if (resource is Resource r)
        {
            dependencies.AddRange(r.WaitFor);
        }
        return dependencies.Distinct();
    }

    /// <summary>
    /// Resources ordered so that each comes after everything it depends on (stop in reverse).
    /// Throws on a wait-for cycle, naming it, and on a dependency missing from the model.
    /// </summary>
    public static IReadOnlyList<IResource> TopologicalOrder(IReadOnlyList<IResource> resources)
    {
        var known = resources.ToHashSet();
        var order = new List<IResource>(resources.Count);
        var state = new Dictionary<IResource, bool>(); // false: on the current path, true: done
        var path = new Stack<IResource>();

        foreach (var resource in resources)
        {
            Visit(resource);
        }
        return order;

        void Visit(IResource resource)
        {
            if (state.TryGetValue(resource, out var done))
            {
                if (!done)
                {
                    var cycle = path.Reverse().SkipWhile(r => r != resource).Append(resource).Select(r => r.Name);
                    throw new DistributedApplicationException($"Resources wait for each other in a cycle: {string.Join(" -> ", cycle)}.");
                }
                return;
            }
            state[resource] = false;
            path.Push(resource);
            foreach (var dependency in GetDependencies(resource))
            {
                if (!known.Contains(dependency))
                {
                    throw new DistributedApplicationException($"'{resource.Name}' depends on '{dependency.Name}', which is not part of the application.");
                }
                Visit(dependency);
            }
            path.Pop();
            state[resource] = true;
            order.Add(resource);
        }
    }
}

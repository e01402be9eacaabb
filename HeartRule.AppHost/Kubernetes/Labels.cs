namespace HeartRule.AppHost.Kubernetes;

/// <summary>The labels every manifest carries, and the ones a selector matches a workload's pods by.</summary>
public static class Labels
{
    public const string Name = "app.kubernetes.io/name";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string Component = "app.kubernetes.io/component";
    public const string App = "heartrule";

    public static Dictionary<string, string> Of(string name, string component) =>
        new() { [Name] = name, [PartOf] = App, [Component] = component };

    public static Dictionary<string, string> Selector(string name) => new() { [Name] = name, [PartOf] = App };

    public static Dictionary<string, string> AllOfApp() => new() { [PartOf] = App };

    /// <summary>A manifest's metadata; <paramref name="workload"/> is the workload it belongs to, when not its namesake.</summary>
    public static object Metadata(string name, string component, Dictionary<string, string>? annotations = null, string? workload = null) =>
        new { name, labels = Of(workload ?? name, component), annotations };
}

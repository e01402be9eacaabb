namespace HeartRule.Hosting.ApplicationModel;

/// <summary>Any program (a script, a tool); ready when it runs, or when its health path answers if it has one.</summary>
public sealed class ExecutableResource(string name, string command, string workingDirectory, IEnumerable<string> args)
    : Resource(name), IResourceWithEnvironment, IResourceWithServiceDiscovery
{
    public override string Kind => "executable";

    public string Command { get; } = command;

    public string WorkingDirectory { get; } = workingDirectory;

    public List<string> Args { get; } = [.. args];

    public IDictionary<string, ReferenceExpression> Environment { get; } = new Dictionary<string, ReferenceExpression>(StringComparer.Ordinal);

    public string? HealthCheckPath { get; set; }
}

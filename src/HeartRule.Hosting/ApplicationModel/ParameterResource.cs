namespace HeartRule.Hosting.ApplicationModel;

/// <summary>
/// A value supplied by configuration (<c>Parameters:&lt;name&gt;</c>) or, for generated secrets, created once
/// and kept in the data folder of <see cref="Owner"/> so that it survives restarts of the AppHost.
/// </summary>
public sealed class ParameterResource(string name, bool secret, bool generated, string? owner = null) : Resource(name), IValueProvider
{
    public override string Kind => "parameter";

    public bool Secret { get; } = secret;

    public bool Generated { get; } = generated;

    /// <summary>The resource whose data folder stores the generated value (postgres keeps its password with its data).</summary>
    public string? Owner { get; } = owner;

    public string ValueExpression => $"{{{Name}.value}}";

    public string Resolve(IValueResolver resolver) => resolver.GetParameterValue(this);
}

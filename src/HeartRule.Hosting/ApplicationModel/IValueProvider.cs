namespace HeartRule.Hosting.ApplicationModel;

/// <summary>
/// A value known only when the application runs (a port, a password, a connection string).
/// <see cref="ValueExpression"/> names it symbolically, for manifests; <see cref="Resolve"/> gives the real value.
/// </summary>
public interface IValueProvider
{
    /// <summary>Placeholder such as <c>{postgres.bindings.tcp.port}</c>.</summary>
    string ValueExpression { get; }

    string Resolve(IValueResolver resolver);
}

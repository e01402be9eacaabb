namespace HeartRule.Hosting.ApplicationModel;

/// <summary>A port a resource listens on.</summary>
/// <param name="Name">"http", "tcp", ...; the key other resources use to reach it.</param>
/// <param name="UriScheme">Scheme of the URL built for it ("http", "tcp", "amqp").</param>
/// <param name="Port">Default port on 127.0.0.1 (replica i uses Port + i); null picks a free one.
/// The <c>Ports:&lt;resource&gt;</c> configuration overrides it, tests replace it with free ports.</param>
public sealed record EndpointAnnotation(string Name, string UriScheme, int? Port = null)
{
    /// <summary>Reachable from outside the application (a browser), printed at start.</summary>
    public bool IsExternal { get; set; }

    /// <summary>Plumbing of the server itself (Erlang's epmd and distribution ports): nothing references it.</summary>
    public bool IsInternal { get; init; }

    /// <summary>Environment variable through which the process learns its port (executables).</summary>
    public string? EnvironmentVariable { get; init; }

    public bool IsHttp => UriScheme is "http" or "https";
}

namespace HeartRule.Hosting.ApplicationModel;

/// <summary>Where an endpoint ended up.</summary>
public sealed record AllocatedEndpoint(string UriScheme, string Host, int Port)
{
    public string HostAndPort => $"{Host}:{Port}";

    public string Url => $"{UriScheme}://{Host}:{Port}";
}

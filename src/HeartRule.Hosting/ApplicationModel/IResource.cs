namespace HeartRule.Hosting.ApplicationModel;

/// <summary>Anything the AppHost knows by name: a server, a database, a service, a parameter.</summary>
public interface IResource
{
    string Name { get; }
}

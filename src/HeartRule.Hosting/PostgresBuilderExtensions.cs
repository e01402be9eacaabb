using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting;

public static class PostgresBuilderExtensions
{
    /// <summary>
    /// A PostgreSQL server: <c>.data/&lt;name&gt;</c>, port 15432 (<c>Ports:&lt;name&gt;</c>), user postgres with a
    /// password generated once (or <c>Parameters:&lt;name&gt;-password</c>). With <c>ConnectionStrings:&lt;name&gt;</c>
    /// configured, that server is used instead.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var password = builder.AddResource(new ParameterResource($"{name}-password", secret: true, generated: true, owner: name));
        return builder.AddResource(new PostgresServerResource(name, password.Resource));
    }

    /// <summary>A database of the server, created once the server is ready; <c>ConnectionStrings__&lt;name&gt;</c> for its consumers.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database);
    }
}

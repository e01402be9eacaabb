using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting;

public static class RabbitMQBuilderExtensions
{
    /// <summary>
    /// A RabbitMQ broker: <c>.data/&lt;name&gt;</c>, AMQP on 15673 (<c>Ports:&lt;name&gt;</c>), its own epmd on 14369
    /// (<c>Ports:&lt;name&gt;-epmd</c>) and distribution port 35673 (<c>Ports:&lt;name&gt;-dist</c>);
    /// connection string <c>amqp://user:password@127.0.0.1:port/</c>.
    /// </summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this IDistributedApplicationBuilder builder, string name, string userName = "heartrule")
    {
        var password = builder.AddResource(new ParameterResource($"{name}-password", secret: true, generated: true, owner: name));
        return builder.AddResource(new RabbitMQServerResource(name, userName, password.Resource));
    }
}

using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace HeartRule.AppHost.Infrastructure;

public static class RabbitMQServerExtensions
{
    /// <summary>
    /// RabbitMQ from Debian's package, with every path pointing into its data folder. Erlang needs epmd (its node
    /// name server); left to itself the broker would start one as a daemon that outlives the AppHost, so epmd is a
    /// resource of its own, on a port of its own, and the broker is told not to start one. Healthy when a client can
    /// log in; the check keeps one connection and closes it properly (a probe that drops its socket makes the broker
    /// log a warning every time).
    /// </summary>
    public static IResourceBuilder<RabbitMQServerExecutableResource> AddRabbitMQServer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var dataFolder = builder.DataFolder(name);
        var rabbit = new RabbitMQServerExecutableResource(name, dataFolder, builder.AddServerPassword(name, dataFolder).Resource);
        var amqpPort = ServerFolders.FreePort();
        var epmdPort = ServerFolders.FreePort().ToString(CultureInfo.InvariantCulture);
        var distributionPort = ServerFolders.FreePort().ToString(CultureInfo.InvariantCulture);

        var epmd = builder.AddExecutable($"{name}-epmd", DebianServers.Epmd, dataFolder, "-port", epmdPort, "-address", "127.0.0.1")
            .WithEnvironment("HOME", dataFolder)
            .WithIconName("PlugConnected");

        var connectionString = builder.TrackConnectionString(rabbit);
        IConnection? healthConnection = null;
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRabbitMQ(async _ => healthConnection ??= await new ConnectionFactory
        {
            Uri = new Uri(connectionString()),
            ClientProvidedName = "apphost-health",
        }.CreateConnectionAsync(), name: healthCheckKey);

        return builder.AddResource(rabbit)
            .WithEndpoint(port: amqpPort, targetPort: amqpPort, scheme: "tcp", name: RabbitMQServerExecutableResource.EndpointName, isProxied: false)
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                env["HOME"] = dataFolder; // the Erlang cookie lives in $HOME
                env["ERL_EPMD_PORT"] = epmdPort;
                env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODENAME"] = $"{name}@localhost";
                env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODE_PORT"] = amqpPort.ToString(CultureInfo.InvariantCulture);
                env["RABBITMQ_DIST_PORT"] = distributionPort;
                env["RABBITMQ_MNESIA_BASE"] = Path.Combine(dataFolder, "mnesia");
                env["RABBITMQ_LOG_BASE"] = Path.Combine(dataFolder, "log");
                env["RABBITMQ_LOGS"] = "-";
                env["RABBITMQ_CONFIG_FILE"] = Path.Combine(dataFolder, "rabbitmq.conf");
                env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(dataFolder, "enabled_plugins");
                env["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(dataFolder, "rabbitmq-env.conf");
                env["RABBITMQ_PID_FILE"] = Path.Combine(dataFolder, "rabbitmq.pid");
                env["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(dataFolder, "advanced.config");
                // Distribution on loopback only; no epmd of its own; SIGINT ignored (it is stopped with SIGTERM).
                env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false +B i";
                // rabbitmq-server then execs the VM instead of keeping a shell in front of it: the process Aspire
                // holds and stops is the broker's own.
                env["detached"] = "true";
            })
            .WithIconName("Mail")
            .WaitFor(epmd)
            .WithChildRelationship(epmd)
            .OnBeforeResourceStarted(async (resource, _, ct) =>
            {
                Directory.CreateDirectory(Path.Combine(dataFolder, "mnesia"));
                Directory.CreateDirectory(Path.Combine(dataFolder, "log"));
                // default_user/default_pass take effect only when the node initialises its database (first start),
                // which is why the password is kept with the data.
                ServerFolders.WriteOwnerOnly(Path.Combine(dataFolder, "rabbitmq.conf"), $"""
                    listeners.tcp.default = 127.0.0.1:{amqpPort}
                    default_user = {RabbitMQServerExecutableResource.UserName}
                    default_pass = {await resource.Password.GetValueAsync(ct)}
                    loopback_users = none
                    log.console = true
                    log.console.level = info
                    log.file = false
                    # Throw-away test folders may sit on a small disk; the default alarm would block publishers.
                    disk_free_limit.absolute = 50MB

                    """ + await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Infrastructure", "rabbitmq-heartrule.conf"), ct));
                await File.WriteAllTextAsync(Path.Combine(dataFolder, "enabled_plugins"), "[].\n", ct);
                // Empty, so that the system broker's /etc/rabbitmq/rabbitmq-env.conf is not read.
                await File.WriteAllTextAsync(Path.Combine(dataFolder, "rabbitmq-env.conf"), "", ct);
            })
            .WithHealthCheck(healthCheckKey);
    }
}

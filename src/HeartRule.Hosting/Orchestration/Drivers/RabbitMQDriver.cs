using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>
/// RabbitMQ from the OS package, as root, with every path pointing into its own data folder. Erlang needs
/// epmd (its node name server); left to itself Erlang would start one as a daemon that outlives us, so we run
/// epmd ourselves, in the foreground, on a port of our own, and tell the node not to start one.
/// </summary>
internal sealed class RabbitMQDriver(RabbitMQServerResource rabbit, RuntimeContext context) : ResourceDriver(rabbit, context)
{
    protected override bool LaunchesProcesses => true;

    private string DataFolder => Context.GetDataDirectory(rabbit);

    public override async Task PrepareAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(DataFolder, "mnesia"));
        Directory.CreateDirectory(Path.Combine(DataFolder, "log"));
        var amqp = Endpoint(RabbitMQServerResource.PrimaryEndpointName);
        // default_user/default_pass only take effect when the node initialises its database (first start),
        // which is why the password is generated once and kept in this folder.
        await File.WriteAllTextAsync(Path.Combine(DataFolder, "rabbitmq.conf"), $"""
            listeners.tcp.default = 127.0.0.1:{amqp.Port}
            default_user = {rabbit.UserName}
            default_pass = {Context.GetParameterValue(rabbit.PasswordParameter)}
            loopback_users = none
            log.console = true
            log.console.level = info
            log.file = false
            # Throw-away test folders may sit on a small disk; the default alarm would block publishers.
            disk_free_limit.absolute = 50MB
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(DataFolder, "enabled_plugins"), "[].\n", cancellationToken);
        // An empty env file, so that /etc/rabbitmq/rabbitmq-env.conf of the system's broker is not read.
        await File.WriteAllTextAsync(Path.Combine(DataFolder, "rabbitmq-env.conf"), "", cancellationToken);
    }

    public override IReadOnlyList<ProcessSpec> GetProcesses(ResourceInstance instance)
    {
        var epmdPort = Endpoint(RabbitMQServerResource.EpmdEndpointName).Port.ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = DataFolder, // the Erlang cookie lives in $HOME
            ["ERL_EPMD_PORT"] = epmdPort,
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODENAME"] = $"{rabbit.Name}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Endpoint(RabbitMQServerResource.PrimaryEndpointName).Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = Endpoint(RabbitMQServerResource.DistributionEndpointName).Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(DataFolder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(DataFolder, "log"),
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(DataFolder, "rabbitmq.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(DataFolder, "enabled_plugins"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(DataFolder, "rabbitmq-env.conf"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(DataFolder, "rabbitmq.pid"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(DataFolder, "advanced.config"),
            // Distribution on loopback only; no epmd of its own; ignore SIGINT (we stop it with SIGTERM).
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false +B i",
            // Makes rabbitmq-server exec the VM instead of keeping a shell in front of it, so the PID we hold
            // is the broker's own and our SIGTERM reaches it directly.
            ["detached"] = "true",
        };
        return
        [
            new ProcessSpec
            {
                DisplayName = "epmd",
                FileName = ServerBinaries.Epmd(),
                Arguments = ["-port", epmdPort, "-address", "127.0.0.1"],
                WorkingDirectory = DataFolder,
                Environment = new Dictionary<string, string?> { ["HOME"] = DataFolder },
                ReadyCheck = ct => EpmdProbe.AnswersAsync(int.Parse(epmdPort, CultureInfo.InvariantCulture), ct),
            },
            new ProcessSpec
            {
                DisplayName = rabbit.Name,
                FileName = ServerBinaries.RabbitMQServer(),
                WorkingDirectory = DataFolder,
                Environment = environment,
            },
        ];
    }

    public override Task<bool> CheckHealthAsync(ResourceInstance instance, CancellationToken cancellationToken) =>
        AmqpProbe.LoginAsync(new Uri(ConnectionString), cancellationToken);
}

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

/// <summary>Asks epmd for its registered names (a NAMES_REQ): it is up and it is epmd.</summary>
internal static class EpmdProbe
{
    private static readonly byte[] NamesRequest = [0, 1, 110];

    public static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(NamesRequest, cancellationToken);
        var reply = new byte[4]; // epmd's own port, big-endian
        await stream.ReadExactlyAsync(reply, cancellationToken);
        return BinaryPrimitives.ReadInt32BigEndian(reply) == port;
    }
}

/// <summary>
/// Logs in over AMQP 0-9-1 as far as the broker's Connection.Tune: the listener is up, it is RabbitMQ
/// speaking, and the credentials of the connection string are accepted (a broker initialised with another
/// password would otherwise look healthy while every service fails).
/// </summary>
internal static class AmqpProbe
{
    private const byte MethodFrame = 1;
    private const byte FrameEnd = 0xCE;
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();

    public static async Task<bool> LoginAsync(Uri uri, CancellationToken cancellationToken)
    {
        var credentials = uri.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(credentials[0]);
        var password = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port > 0 ? uri.Port : 5672, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(ProtocolHeader, timeout.Token);

        var (classId, methodId) = await ReadMethodAsync(stream, timeout.Token);
        if ((classId, methodId) != (10, 10))
        {
            throw new InvalidOperationException($"expected Connection.Start, got method {classId}.{methodId}");
        }

        await stream.WriteAsync(StartOk(user, password), timeout.Token);
        try
        {
            (classId, methodId) = await ReadMethodAsync(stream, timeout.Token);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidOperationException($"RabbitMQ refused the login of '{user}' (ACCESS_REFUSED)");
        }
        return (classId, methodId) switch
        {
            (10, 30) => true, // Connection.Tune: logged in
            (10, 50) => throw new InvalidOperationException($"RabbitMQ refused the login of '{user}'"),
            _ => throw new InvalidOperationException($"unexpected method {classId}.{methodId} after login"),
        };
    }

    private static async Task<(int ClassId, int MethodId)> ReadMethodAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[7];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var size = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(3));
        if (header[0] != MethodFrame || size < 4 || size > 1 << 20)
        {
            throw new InvalidOperationException("not an AMQP 0-9-1 method frame");
        }
        var payload = new byte[size + 1];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return (BinaryPrimitives.ReadUInt16BigEndian(payload), BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(2)));
    }

    /// <summary>Connection.Start-Ok: no client properties, PLAIN mechanism, locale en_US.</summary>
    private static byte[] StartOk(string user, string password)
    {
        var response = Encoding.UTF8.GetBytes($"\0{user}\0{password}");
        var payload = new List<byte>();
        payload.AddRange([0, 10, 0, 11]);   // class connection, method start-ok
        payload.AddRange([0, 0, 0, 0]);     // client-properties: empty table
        payload.AddRange(ShortString("PLAIN"));
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, response.Length);
        payload.AddRange(length);
        payload.AddRange(response);
        payload.AddRange(ShortString("en_US"));

        var frame = new byte[7 + payload.Count + 1];
        frame[0] = MethodFrame;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(3), payload.Count);
        payload.CopyTo(frame, 7);
        frame[^1] = FrameEnd;
        return frame;
    }

    private static byte[] ShortString(string value) => [(byte)value.Length, .. Encoding.ASCII.GetBytes(value)];
}

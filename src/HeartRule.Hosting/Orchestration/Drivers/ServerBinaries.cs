namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>Where the Debian packages put the servers (eng/install-infra.sh installs them).</summary>
internal static class ServerBinaries
{
    private const string InstallHint = "Run eng/install-infra.sh to install PostgreSQL, Redis and RabbitMQ.";

    public static string PostgresBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Dir, "postgres")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
            : [];
        var onPath = ManagedProcess.Which("postgres") is { } postgres ? [Path.GetDirectoryName(postgres)!] : Array.Empty<string>();
        return candidates.Concat(onPath).FirstOrDefault()
            ?? throw new DistributedApplicationException($"PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres). {InstallHint}");
    }

    public static string RedisServer() => Require("redis-server", "/usr/bin/redis-server");

    public static string RabbitMQServer() =>
        File.Exists("/usr/lib/rabbitmq/bin/rabbitmq-server")
            ? "/usr/lib/rabbitmq/bin/rabbitmq-server"
            : throw new DistributedApplicationException($"RabbitMQ is not installed (no /usr/lib/rabbitmq/bin/rabbitmq-server). {InstallHint}");

    public static string Epmd() => Require("epmd", "/usr/bin/epmd");

    private static string Require(string name, string usual) =>
        File.Exists(usual) ? usual : ManagedProcess.Which(name)
            ?? throw new DistributedApplicationException($"{name} is not installed. {InstallHint}");
}

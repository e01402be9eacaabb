namespace HeartRule.AppHost.Infrastructure;

/// <summary>Where Debian's packages put the servers (eng/install-infra.sh installs them).</summary>
internal static class DebianServers
{
    private const string InstallHint = "Run eng/install-infra.sh to install PostgreSQL, Redis and RabbitMQ.";

    /// <summary>PostgreSQL refuses to run as root; as root we hand it to the package's own user.</summary>
    public const string PostgresUser = "postgres";

    public static bool IsRoot => Environment.UserName == "root";

    public static string PostgresBin(string program)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Bin: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Bin, "postgres")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Bin)
                .FirstOrDefault()
            : null;
        return bin is null
            ? throw new DistributedApplicationException($"PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres). {InstallHint}")
            : Path.Combine(bin, program);
    }

    public static string RedisServer => Require("/usr/bin/redis-server");

    public static string RabbitMQServer => Require("/usr/lib/rabbitmq/bin/rabbitmq-server");

    public static string Epmd => Require("/usr/bin/epmd");

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new DistributedApplicationException($"{path} is missing. {InstallHint}");
}

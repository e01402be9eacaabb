using System.Globalization;
using HeartRule.Hosting.ApplicationModel;
using StackExchange.Redis;

namespace HeartRule.Hosting.Orchestration.Drivers;

/// <summary>redis-server in the foreground on 127.0.0.1, append-only file in its own data folder.</summary>
internal sealed class RedisDriver(RedisResource redis, RuntimeContext context) : ResourceDriver(redis, context)
{
    protected override bool LaunchesProcesses => true;

    private string DataFolder => Context.GetDataDirectory(redis);

    public override Task PrepareAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DataFolder);
        return Task.CompletedTask;
    }

    public override IReadOnlyList<ProcessSpec> GetProcesses(ResourceInstance instance) =>
    [
        new ProcessSpec
        {
            DisplayName = redis.Name,
            FileName = ServerBinaries.RedisServer(),
            Arguments =
            [
                "--port", Endpoint(RedisResource.PrimaryEndpointName).Port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--protected-mode", "yes",
                "--dir", DataFolder,
                "--appendonly", "yes",
                // The append-only file is the persistence; RDB snapshots on top would only add disk writes.
                "--save", "",
                "--daemonize", "no",
                "--logfile", "",
            ],
            WorkingDirectory = DataFolder,
        },
    ];

    public override async Task<bool> CheckHealthAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;
        options.ConnectRetry = 0;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options, TextWriter.Null).WaitAsync(cancellationToken);
        await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
        return true;
    }
}

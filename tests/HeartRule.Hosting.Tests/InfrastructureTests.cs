using System.Diagnostics;
using HeartRule.Hosting.ApplicationModel;
using HeartRule.Hosting.Testing;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace HeartRule.Hosting.Tests;

/// <summary>The real servers from the OS packages, through the testing entry.</summary>
public class InfrastructureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Postgres_redis_and_rabbitmq_start_on_free_ports_accept_connections_and_leave_nothing_behind()
    {
        await using var builder = DistributedApplicationTestingBuilder.Create([], o => o.ResourceOutput = line => Trace(line));
        var postgres = builder.AddPostgres("postgres");
        postgres.AddDatabase("heartrule");
        builder.AddRedis("redis");
        builder.AddRabbitMQ("messaging");
        var app = await builder.BuildAsync();
        var dataDirectory = app.DataDirectory;
        IReadOnlyList<Orchestration.ProcessIdentity> processes;
        int postgresPid;
        try
        {
            var clock = Stopwatch.StartNew();
            await app.StartAsync();
            output.WriteLine($"postgres, redis and rabbitmq ready in {clock.Elapsed.TotalSeconds:0.0} s");

            Assert.NotEqual(PostgresServerResource.DefaultPort, app.GetEndpoint("postgres").Port);
            Assert.NotEqual(RedisResource.DefaultPort, app.GetEndpoint("redis").Port);
            Assert.NotEqual(RabbitMQServerResource.DefaultPort, app.GetEndpoint("messaging").Port);

            // PostgreSQL: the database was created and the generated password works.
            await using (var connection = new NpgsqlConnection(app.GetConnectionString("heartrule")))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT current_database()", connection);
                Assert.Equal("heartrule", await command.ExecuteScalarAsync());
            }

            // Redis: the StackExchange.Redis connection string as services receive it.
            await using (var redis = await ConnectionMultiplexer.ConnectAsync(app.GetConnectionString("redis")!))
            {
                await redis.GetDatabase().StringSetAsync("probe", "42");
                Assert.Equal("42", (string?)await redis.GetDatabase().StringGetAsync("probe"));
            }

            // RabbitMQ: a login with the connection string's credentials; a wrong password is refused.
            var amqp = new Uri(app.GetConnectionString("messaging")!);
            Assert.StartsWith("amqp://heartrule:", amqp.ToString());
            Assert.True(await Orchestration.Drivers.AmqpProbe.LoginAsync(amqp, CancellationToken.None));
            var wrong = new UriBuilder(amqp) { Password = "wrong" }.Uri;
            await Assert.ThrowsAnyAsync<Exception>(() => Orchestration.Drivers.AmqpProbe.LoginAsync(wrong, CancellationToken.None));

            Assert.All(app.GetResources(), r => Assert.True(r.IsReady, $"{r.Name} is {r.State}/{r.Health}"));
            processes = app.GetLiveProcesses();
            postgresPid = app.GetResource("postgres").Replicas[0].Pid!.Value;
            var messaging = app.GetResource("messaging").Replicas[0];
            Assert.Equal(2, messaging.Pids.Count); // epmd, then the broker
            Assert.Contains("beam", File.ReadAllText($"/proc/{messaging.Pid}/comm"));
            if (Environment.UserName == "root")
            {
                // PostgreSQL refuses root: it runs as the postgres user.
                Assert.Contains($"Uid:\t{PostgresUid()}\t", File.ReadAllText($"/proc/{postgresPid}/status"));
            }
        }
        finally
        {
            var clock = Stopwatch.StartNew();
            await app.DisposeAsync();
            output.WriteLine($"stopped in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        Assert.True(processes.Count >= 5, $"expected postgres (and its workers), redis, epmd and rabbitmq, got {processes.Count}");
        Assert.Contains(processes, p => p.Pid == postgresPid);
        var survivors = processes.Where(p => p.IsAlive).ToList();
        Assert.True(survivors.Count == 0, "still alive: " + string.Join(", ", survivors.Select(p => $"{p.Pid} {Command(p.Pid)}")));
        Assert.False(Directory.Exists(dataDirectory));
    }

    private void Trace(ResourceLogLine line)
    {
        try
        {
            output.WriteLine($"{line.Resource}: {line.Text}");
        }
        catch (InvalidOperationException)
        {
            // Output after the test ended.
        }
    }

    private static string PostgresUid() =>
        File.ReadLines("/etc/passwd").First(l => l.StartsWith("postgres:", StringComparison.Ordinal)).Split(':')[2];

    private static string Command(int pid) => File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ') : "?";
}

namespace HeartRule.Hosting.Tests;

/// <summary>What the AppHost's configuration decides before anything starts: ports and existing servers.</summary>
public class ConfigurationTests
{
    [Fact]
    public async Task Servers_and_services_get_the_fixed_default_ports()
    {
        await using var app = TestModel.HeartRule(gatewayReplicas: 2, "--Ports:gateway=5000", "--Ports:sessions=5103").Build();

        Assert.Equal(15432, app.GetEndpoint("postgres").Port);
        Assert.Equal(16379, app.GetEndpoint("redis").Port);
        Assert.Equal(15673, app.GetEndpoint("messaging").Port);
        Assert.Equal(14369, app.GetEndpoint("messaging", "epmd").Port);
        Assert.Equal(new Uri("http://127.0.0.1:5000"), app.GetEndpoint("gateway"));
        Assert.Equal(new Uri("http://127.0.0.1:5001"), app.GetEndpoint("gateway", replica: 1));
        Assert.Equal(5103, app.GetEndpoint("sessions").Port);
        Assert.All(app.Model.Resources.Select(r => r.Name).Where(n => n is "postgres" or "gateway"),
            n => Assert.Equal("127.0.0.1", app.GetEndpoint(n).Host));
    }

    [Fact]
    public async Task Ports_can_be_overridden_from_the_command_line()
    {
        await using var app = TestModel.HeartRule(1, "--Ports:postgres=25432", "--Ports:messaging-epmd=24369").Build();

        Assert.Equal(25432, app.GetEndpoint("postgres").Port);
        Assert.Equal(24369, app.GetEndpoint("messaging", "epmd").Port);
        Assert.Contains("Port=25432", app.GetConnectionString("heartrule"));
        Assert.Contains("Port=25432", app.GetEnvironment("persistence")["ConnectionStrings__heartrule"]);
    }

    [Fact]
    public async Task A_port_asked_for_twice_is_refused()
    {
        var builder = TestModel.HeartRule(1, "--Ports:redis=15432");

        var error = Assert.Throws<DistributedApplicationException>(() => builder.Build());
        Assert.Contains("15432", error.Message);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Tests_get_free_ports_everywhere()
    {
        await using var builder = Testing.DistributedApplicationTestingBuilder.Create();
        builder.AddPostgres("postgres");
        builder.AddRabbitMQ("messaging");
        builder.AddProject<TestModel.Gateway>("gateway").WithReplicas(2);
        await using var app = await builder.BuildAsync();

        var ports = new[]
        {
            app.GetEndpoint("postgres").Port, app.GetEndpoint("messaging").Port, app.GetEndpoint("messaging", "epmd").Port,
            app.GetEndpoint("messaging", "dist").Port, app.GetEndpoint("gateway").Port, app.GetEndpoint("gateway", replica: 1).Port,
        };
        Assert.Equal(ports.Length, ports.Distinct().Count());
        Assert.DoesNotContain(15432, ports);
        Assert.DoesNotContain(14369, ports);
        Assert.StartsWith(Path.GetTempPath(), app.DataDirectory);
    }

    [Fact]
    public async Task A_configured_connection_string_replaces_the_server()
    {
        const string external = "Host=db.internal;Port=5432;Username=app;Password=secret;Database=heartrule";
        await using var app = TestModel.HeartRule(1, $"--ConnectionStrings:heartrule={external}").Build();

        Assert.Equal(external, app.GetConnectionString("heartrule"));
        Assert.Equal(external, app.GetEnvironment("persistence")["ConnectionStrings__heartrule"]);
        Assert.StartsWith("127.0.0.1:", app.GetConnectionString("redis"));
    }

    [Fact]
    public async Task A_generated_password_is_kept_in_the_server_data_folder()
    {
        var data = Path.Combine(Path.GetTempPath(), "heartrule-unit-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            DistributedApplication Build()
            {
                var builder = TestModel.HeartRule();
                builder.Options.DataDirectory = data;
                builder.Options.DeleteDataDirectoryOnDispose = false;
                return builder.Build();
            }

            string first;
            await using (var app = Build())
            {
                first = app.GetConnectionString("postgres")!;
            }
            await using (var again = Build())
            {
                Assert.Equal(first, again.GetConnectionString("postgres"));
            }
            var stored = File.ReadAllText(Path.Combine(data, "postgres", "postgres-password"));
            Assert.Contains($"Password={stored}", first);
            Assert.True(stored.Length >= 20);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "wipe" }, true, false, new string[0])]
    [InlineData(new[] { "wipe", "postgres", "redis", "--Ports:redis=1" }, true, false, new[] { "postgres", "redis" })]
    [InlineData(new[] { "--wipe", "--Ports:redis=1" }, false, true, new string[0])]
    [InlineData(new[] { "--Ports:redis=1" }, false, false, new string[0])]
    public void The_command_line_knows_wipe(string[] args, bool wipeCommand, bool wipeFlag, string[] resources)
    {
        var options = new DistributedApplicationOptions { Args = args };

        var (rest, command) = AppHostCommandLine.Parse(options);

        Assert.Equal(wipeCommand, command == AppHostCommand.Wipe);
        Assert.Equal(wipeFlag, options.Wipe);
        Assert.Equal(resources, options.WipeResources);
        Assert.DoesNotContain(rest, a => a.Contains("wipe", StringComparison.Ordinal) || a is "postgres" or "redis");
    }
}

using HeartRule.Hosting.ApplicationModel;

namespace HeartRule.Hosting.Tests;

public class ResourceEnvironmentTests
{
    private static readonly EnvironmentSettings Development = new("Development");

    private static IReadOnlyDictionary<string, string> Env(IDistributedApplicationBuilder builder, string name, int replica = 0, EnvironmentSettings? settings = null, FakeResolver? resolver = null) =>
        ResourceEnvironment.Resolve(ResourceEnvironment.Build(builder.Get<Resource>(name), replica, settings ?? Development), resolver ?? new FakeResolver());

    [Fact]
    public void Each_reference_becomes_a_connection_string_or_service_urls_as_in_Aspire()
    {
        var env = Env(TestModel.HeartRule(), "sessions");

        Assert.Equal("127.0.0.1:16379", env["ConnectionStrings__redis"]);
        Assert.Equal("amqp://heartrule:pw-messaging-password@127.0.0.1:15673/", env["ConnectionStrings__messaging"]);
        Assert.Equal("http://127.0.0.1:5101", env["services__persistence__http__0"]);
        Assert.Equal("sessions", env["OTEL_SERVICE_NAME"]);
        Assert.Equal("http://127.0.0.1:5103", env["ASPNETCORE_URLS"]);
        Assert.Equal("Development", env["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("Development", env["DOTNET_ENVIRONMENT"]);
        // Only what it references.
        Assert.DoesNotContain("ConnectionStrings__heartrule", env.Keys);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("services__gateway", StringComparison.Ordinal));
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", env.Keys);
    }

    [Fact]
    public void A_database_connection_string_names_the_database_on_its_server()
    {
        var env = Env(TestModel.HeartRule(), "persistence");

        Assert.Equal("Host=127.0.0.1;Port=15432;Username=postgres;Password=pw-postgres-password;Database=heartrule", env["ConnectionStrings__heartrule"]);
        Assert.DoesNotContain("ConnectionStrings__postgres", env.Keys);
    }

    [Fact]
    public void A_configured_server_connection_string_is_used_by_its_databases()
    {
        var resolver = new FakeResolver(new() { ["postgres"] = "Host=db.internal;Username=app;Password=secret" });

        var env = Env(TestModel.HeartRule(), "persistence", resolver: resolver);

        Assert.Equal("Host=db.internal;Username=app;Password=secret;Database=heartrule", env["ConnectionStrings__heartrule"]);
    }

    [Fact]
    public void Every_replica_of_a_referenced_service_gets_its_own_url_and_each_replica_its_own_port()
    {
        var builder = TestModel.HeartRule(gatewayReplicas: 2);
        builder.AddProject<TestModel.Sessions>("monitor").WithReference(builder.CreateResourceBuilder(builder.Get<ProjectResource>("gateway")));

        var monitor = Env(builder, "monitor");
        Assert.Equal("http://127.0.0.1:5000", monitor["services__gateway__http__0"]);
        Assert.Equal("http://127.0.0.1:5001", monitor["services__gateway__http__1"]);
        Assert.DoesNotContain("services__gateway__http__2", monitor.Keys);

        var second = Env(builder, "gateway", replica: 1);
        Assert.Equal("http://127.0.0.1:5001", second["ASPNETCORE_URLS"]);
        Assert.Equal("1", second[ResourceEnvironment.ReplicaIndexVariable]);
        Assert.Equal("gateway", second["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public void The_otlp_endpoint_is_passed_on_only_when_the_apphost_has_one()
    {
        var env = Env(TestModel.HeartRule(), "gateway", settings: new EnvironmentSettings("Production", "http://127.0.0.1:4317", "grpc"));

        Assert.Equal("http://127.0.0.1:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("Production", env["ASPNETCORE_ENVIRONMENT"]);
    }

    [Fact]
    public void Explicit_variables_are_added_and_win()
    {
        var builder = TestModel.HeartRule();
        builder.CreateResourceBuilder(builder.Get<ProjectResource>("gateway"))
            .WithEnvironment("Llm__Provider", "offline")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Staging");

        var env = Env(builder, "gateway");

        Assert.Equal("offline", env["Llm__Provider"]);
        Assert.Equal("Staging", env["ASPNETCORE_ENVIRONMENT"]);
    }

    [Fact]
    public void The_model_stays_symbolic_for_manifest_generators()
    {
        var builder = TestModel.HeartRule(gatewayReplicas: 2);
        var env = ResourceEnvironment.Build(builder.Get<Resource>("persistence"), 0, Development);

        Assert.Equal("{heartrule.connectionString}", env["ConnectionStrings__heartrule"].ValueExpression);
        Assert.Equal("{postgres.connectionString};Database=heartrule", builder.Get<PostgresDatabaseResource>("heartrule").ConnectionStringExpression.ValueExpression);
        Assert.Equal(
            "amqp://heartrule:{messaging-password.value}@{messaging.bindings.tcp.hostAndPort}/",
            builder.Get<RabbitMQServerResource>("messaging").ConnectionStringExpression.ValueExpression);
        Assert.Equal("{persistence.bindings.http.url}", env["ASPNETCORE_URLS"].ValueExpression);

        var gateway = builder.Get<ProjectResource>("gateway");
        Assert.Equal(2, gateway.Replicas);
        Assert.True(gateway.Endpoints.Single().IsExternal);
        Assert.Equal(new[] { "redis", "messaging", "sessions", "scriptengine" }, gateway.WaitFor.Select(r => r.Name));
    }

    [Fact]
    public void Referencing_something_without_connection_string_or_endpoints_is_rejected()
    {
        var builder = TestModel.CreateBuilder();
        var password = new ParameterResource("secret", secret: true, generated: true);
        var project = builder.AddProject<TestModel.Gateway>("gateway").Resource;
        project.References.Add(password);

        Assert.Throws<DistributedApplicationException>(() => ResourceEnvironment.Build(project, 0, Development));
    }
}

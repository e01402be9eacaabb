// The whole of HeartRule: infrastructure, the four services, and how they find each other.
using HeartRule.AppHost.Infrastructure;
using HeartRule.AppHost.Kubernetes;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Debian's servers as executables by default (no container engine needed); "--Infrastructure containers" uses
// Aspire's own container integrations instead, on a machine with a container runtime and their images. The services
// are projects; "--Services containers" runs them from their images too (eng/images.sh), the servers with them. A
// deployment runs everything as containers (eng/deploy.sh render).
var (db, redis, messaging) = builder.Configuration["Infrastructure"] == "containers" || builder.RunsServicesInContainers()
    || builder.ExecutionContext.IsPublishMode
    ? builder.AddContainerInfrastructure()
    : builder.AddLocalInfrastructure();

var persistence = builder.AddService<Projects.HeartRule_Persistence>("persistence")
    .WithReference(db).WithReference(messaging)
    .WaitFor(db).WaitFor(messaging);

var scriptEngine = builder.AddService<Projects.HeartRule_ScriptEngine>("scriptengine")
    .WithReference(redis).WithReference(persistence)
    .WaitFor(redis).WaitFor(persistence)
    .WithAutoscaling(maxReplicas: 6);

var sessions = builder.AddService<Projects.HeartRule_Sessions>("sessions")
    .WithReference(redis).WithReference(messaging).WithReference(persistence).WithReference(scriptEngine)
    .WaitFor(redis).WaitFor(messaging).WaitFor(persistence).WaitFor(scriptEngine)
    .WithReplicas(builder.Configuration.GetValue("Replicas:sessions", 1))
    .WithAutoscaling(maxReplicas: 6);

builder.AddService<Projects.HeartRule_Gateway>("gateway", port: builder.Configuration.GetValue<int?>("GatewayPort", 5000))
    .WithReference(redis).WithReference(messaging).WithReference(persistence).WithReference(sessions)
    .WaitFor(redis).WaitFor(messaging).WaitFor(sessions)
    .WithExternalHttpEndpoints()
    .WithUrlForEndpoint("http", url => url.DisplayText = "Chat page")
    // Two nodes by default behind one address: every session may have sockets on either (--Replicas:gateway N).
    .WithReplicas(builder.Configuration.GetValue("Replicas:gateway", 2))
    .WithAutoscaling(maxReplicas: 10);

builder.AddKubernetesManifests();

builder.Build().Run();
